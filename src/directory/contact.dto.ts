import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class ContactBody {
  @ApiProperty({
    example: '山田 一郎',
    description: 'Drafts address the contact by this name',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({
    type: String,
    example: 'Ichiro Yamada',
    nullable: true,
    description:
      'The name as written in Latin script, given name first. English drafts use it; without it they name the ' +
      'contact only if `name` is in Latin script, else greet the hiring team.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  nameLatin?: string | null;

  @ApiPropertyOptional({
    example: '人事部 課長',
    description: 'Department and title, as they should appear in a letter',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ example: 'ichiro.yamada@sample-shoji.example.co.jp' })
  @IsOptional()
  @IsEmail({}, { message: 'must be an e-mail address' })
  @MaxLength(320)
  email?: string;
}

export class ContactResource {
  @ApiProperty({ example: 'ct-yamada' }) externalId!: string;
  @ApiProperty({ example: 'cmp-sample-shoji' }) companyExternalId!: string;
  @ApiProperty({ example: '山田 一郎' }) name!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Ichiro Yamada' }) nameLatin!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '人事部 課長' }) title!: string | null;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class ContactPage {
  @ApiProperty({ type: [ContactResource] }) items!: ContactResource[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
