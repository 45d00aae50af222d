import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsExternalId } from '../common/external-id.js';

export class CompanyBody {
  @ApiProperty({
    example: '株式会社サンプル商事',
    description: 'The exact registered name; drafts use it verbatim',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: '商社' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  industry?: string;
}

export class CompanyBulkItem extends CompanyBody {
  @ApiProperty({ example: 'cmp-sample-shoji' })
  @IsExternalId()
  externalId!: string;
}

export class CompanyResource {
  @ApiProperty({ example: 'cmp-sample-shoji' }) externalId!: string;
  @ApiProperty({ example: '株式会社サンプル商事' }) name!: string;
  @ApiProperty({ type: String, nullable: true, example: '商社' }) industry!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class CompanyPage {
  @ApiProperty({ type: [CompanyResource] }) items!: CompanyResource[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
