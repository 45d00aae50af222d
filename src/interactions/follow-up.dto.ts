import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsExternalId } from '../common/external-id.js';
import { IsInstantWithOffset } from '../common/validators.js';
import {
  FOLLOW_UP_CHANNELS,
  GAP_PURPOSES,
  type FollowUpChannel,
  type GapPurpose,
} from '../follow-ups/domain/vocabulary.js';

export class FollowUpBody {
  @ApiProperty({ example: 'int-0001', description: 'The interaction this follow-up answers' })
  @IsExternalId()
  interactionExternalId!: string;

  @ApiProperty({ enum: FOLLOW_UP_CHANNELS })
  @IsIn(FOLLOW_UP_CHANNELS, { message: `must be one of ${FOLLOW_UP_CHANNELS.join(', ')}` })
  channel!: FollowUpChannel;

  @ApiProperty({ example: '2026-11-26T18:30:00+09:00', description: 'Instant with an explicit offset' })
  @IsInstantWithOffset()
  sentAt!: string;

  @ApiPropertyOptional({ enum: GAP_PURPOSES, default: 'THANK_YOU' satisfies GapPurpose })
  @IsOptional()
  @IsIn(GAP_PURPOSES, { message: `must be ${GAP_PURPOSES.join(' or ')}` })
  purpose?: GapPurpose;

  @ApiPropertyOptional({ example: '面接のお礼メールを送信' })
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
  @ApiProperty({ enum: FOLLOW_UP_CHANNELS }) channel!: FollowUpChannel;
  @ApiProperty() sentAt!: Date;
  @ApiProperty({ enum: GAP_PURPOSES }) purpose!: GapPurpose;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class FollowUpPage {
  @ApiProperty({ type: [FollowUpResource] }) items!: FollowUpResource[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
