import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { IsExternalId } from '../common/external-id.js';
import { IsIanaTimeZone } from '../common/validators.js';

export class AdvisorBody {
  @ApiProperty({ example: '佐藤 花子' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'hanako.sato@career.example.ac.jp' })
  @IsEmail({}, { message: 'must be an e-mail address' })
  @MaxLength(320)
  email!: string;

  @ApiProperty({
    example: 'Asia/Tokyo',
    description: 'IANA time zone; escalation digests go out at 09:00 here',
  })
  @IsIanaTimeZone()
  timezone!: string;
}

export class AdvisorBulkItem extends AdvisorBody {
  @ApiProperty({ example: 'adv-001' })
  @IsExternalId()
  externalId!: string;
}

export class AdvisorResource {
  @ApiProperty({ example: 'adv-001' }) externalId!: string;
  @ApiProperty({ example: '佐藤 花子' }) name!: string;
  @ApiProperty({ example: 'hanako.sato@career.example.ac.jp' }) email!: string;
  @ApiProperty({ example: 'Asia/Tokyo' }) timezone!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class AdvisorPage {
  @ApiProperty({ type: [AdvisorResource] }) items!: AdvisorResource[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
