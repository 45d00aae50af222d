import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IsExternalId } from '../common/external-id.js';
import { IsIanaTimeZone } from '../common/validators.js';

export const LOCALES = ['ja', 'en'] as const;
export const MIN_GRADUATION_YEAR = 1950;
export const MAX_GRADUATION_YEAR = 2100;

export class StudentBody {
  @ApiProperty({ example: '山田 太郎' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({
    type: String,
    example: 'Taro Yamada',
    nullable: true,
    description:
      "The name as written in Latin script, given name first: English drafts are signed with it (else with `name`). Erased with the student's personal data.",
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  nameLatin?: string | null;

  @ApiProperty({ example: 'taro.yamada@student.example.ac.jp' })
  @IsEmail({}, { message: 'must be an e-mail address' })
  @MaxLength(320)
  email!: string;

  @ApiProperty({ enum: LOCALES, description: 'Language of the drafts sent to the student' })
  @IsIn(LOCALES, { message: 'must be ja or en' })
  locale!: (typeof LOCALES)[number];

  @ApiProperty({ example: 'Asia/Tokyo', description: 'IANA time zone; nudges arrive only 08:00–21:00 here' })
  @IsIanaTimeZone()
  timezone!: string;

  @ApiProperty({ example: 'adv-001', description: "The student's advisor (must exist in this center)" })
  @IsExternalId()
  advisorExternalId!: string;

  @ApiPropertyOptional({
    example: 2027,
    nullable: true,
  })
  @IsOptional()
  @IsInt()
  @Min(MIN_GRADUATION_YEAR)
  @Max(MAX_GRADUATION_YEAR)
  graduationYear?: number;

  @ApiPropertyOptional({
    default: true,
    description: 'false: no nudges are sent (gaps stay visible to advisors)',
  })
  @IsOptional()
  @IsBoolean()
  notificationsEnabled?: boolean;
}

export class StudentBulkItem extends StudentBody {
  @ApiProperty({ example: 'stu-2027-0001' })
  @IsExternalId()
  externalId!: string;
}

export class StudentResource {
  @ApiProperty({ example: 'stu-2027-0001' }) externalId!: string;
  @ApiProperty({ example: '山田 太郎' }) name!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Taro Yamada' }) nameLatin!: string | null;
  @ApiProperty({ example: 'taro.yamada@student.example.ac.jp' }) email!: string;
  @ApiProperty({ enum: LOCALES }) locale!: string;
  @ApiProperty({ example: 'Asia/Tokyo' }) timezone!: string;
  @ApiProperty({ example: 'adv-001' }) advisorExternalId!: string;
  @ApiProperty({ type: Number, nullable: true, example: 2027 }) graduationYear!: number | null;
  @ApiProperty() notificationsEnabled!: boolean;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class StudentPage {
  @ApiProperty({ type: [StudentResource] }) items!: StudentResource[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
