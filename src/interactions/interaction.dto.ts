import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { EXTERNAL_ID_PATTERN, IsExternalId } from '../common/external-id.js';
import { IsCalendarDate, IsInstantWithOffset, IsNotBefore } from '../common/validators.js';
import {
  INTERACTION_KINDS,
  INTERACTION_OUTCOMES,
  type InteractionKind,
  type InteractionOutcome,
} from '../follow-ups/domain/vocabulary.js';

export class InteractionBody {
  @ApiProperty({ example: 'stu-2027-0001' })
  @IsExternalId()
  studentExternalId!: string;

  @ApiProperty({ example: 'cmp-sample-shoji' })
  @IsExternalId()
  companyExternalId!: string;

  @ApiProperty({ enum: INTERACTION_KINDS })
  @IsIn(INTERACTION_KINDS, { message: `must be one of ${INTERACTION_KINDS.join(', ')}` })
  kind!: InteractionKind;

  @ApiProperty({ example: '2026-11-26T10:00:00+09:00', description: 'Instant with an explicit offset' })
  @IsInstantWithOffset()
  occurredAt!: string;

  @ApiPropertyOptional({
    example: '2026-11-26T11:00:00+09:00',
    description: 'Instant with an explicit offset; not before occurredAt',
  })
  @IsOptional()
  @IsInstantWithOffset()
  @IsNotBefore('occurredAt')
  endedAt?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['ct-yamada'],
    description: "Contacts met, all of the interaction's company",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(EXTERNAL_ID_PATTERN, { each: true, message: 'each must be 1–128 characters of A-Za-z0-9._:-' })
  contactExternalIds?: string[];

  @ApiPropertyOptional({
    example: '事業内容と若手社員の働き方について伺った',
    description: 'Topics discussed',
  })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  notes?: string;

  @ApiPropertyOptional({ enum: INTERACTION_OUTCOMES, default: 'PENDING' satisfies InteractionOutcome })
  @IsOptional()
  @IsIn(INTERACTION_OUTCOMES, { message: `must be one of ${INTERACTION_OUTCOMES.join(', ')}` })
  outcome?: InteractionOutcome;

  @ApiPropertyOptional({ example: '2026-12-04', description: 'The date the company promised a decision' })
  @IsOptional()
  @IsCalendarDate()
  resultExpectedBy?: string;
}

export class InteractionBulkItem extends InteractionBody {
  @ApiProperty({ example: 'int-0001' })
  @IsExternalId()
  externalId!: string;
}

export class InteractionResource {
  @ApiProperty({ example: 'int-0001' }) externalId!: string;
  @ApiProperty({ example: 'stu-2027-0001' }) studentExternalId!: string;
  @ApiProperty({ example: 'cmp-sample-shoji' }) companyExternalId!: string;
  @ApiProperty({ enum: INTERACTION_KINDS }) kind!: InteractionKind;
  @ApiProperty() occurredAt!: Date;
  @ApiProperty({ type: Date, nullable: true }) endedAt!: Date | null;
  @ApiProperty({ type: [String] }) contactExternalIds!: string[];
  @ApiProperty({ type: String, nullable: true }) notes!: string | null;
  @ApiProperty({ enum: INTERACTION_OUTCOMES }) outcome!: InteractionOutcome;
  @ApiProperty({ type: String, nullable: true, example: '2026-12-04' }) resultExpectedBy!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class InteractionPage {
  @ApiProperty({ type: [InteractionResource] }) items!: InteractionResource[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
