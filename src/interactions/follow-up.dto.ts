import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsExternalId } from '../common/external-id.js';
import { IsInstantWithOffset } from '../common/validators.js';

export const CHANNELS = ['EMAIL', 'PHONE', 'SNS', 'LETTER', 'IN_PERSON'] as const;
export const FOLLOW_UP_PURPOSES = ['THANK_YOU', 'CHECK_IN'] as const;

export class FollowUpBody {
  @ApiProperty({ example: 'int-0001', description: 'The interaction this follow-up answers' })
  @IsExternalId()
  interactionExternalId!: string;

  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS, { message: `must be one of ${CHANNELS.join(', ')}` })
  channel!: (typeof CHANNELS)[number];

  @ApiProperty({ example: '2026-11-26T18:30:00+09:00', description: 'Instant with an explicit offset' })
  @IsInstantWithOffset()
  sentAt!: string;

  @ApiPropertyOptional({ enum: FOLLOW_UP_PURPOSES, default: 'THANK_YOU' })
  @IsOptional()
  @IsIn(FOLLOW_UP_PURPOSES, { message: 'must be THANK_YOU or CHECK_IN' })
  purpose?: (typeof FOLLOW_UP_PURPOSES)[number];

  @ApiPropertyOptional({ example: '面接のお礼メールを送信', maxLength: 10000 })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  note?: string;
}

export class FollowUpBulkItem extends FollowUpBody {
  @ApiProperty({ example: 'fu-0001' })
  @IsExternalId()
  externalId!: string;
}

export class FollowUpResource {
  @ApiProperty({ example: 'fu-0001' }) externalId!: string;
  @ApiProperty({ example: 'int-0001' }) interactionExternalId!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'stu-2027-0001',
    description: "The interaction's student; null once erased",
  })
  studentExternalId!: string | null;
  @ApiProperty({ enum: CHANNELS }) channel!: string;
  @ApiProperty() sentAt!: Date;
  @ApiProperty({ enum: FOLLOW_UP_PURPOSES }) purpose!: string;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class FollowUpPage {
  @ApiProperty({ type: [FollowUpResource] }) items!: FollowUpResource[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
