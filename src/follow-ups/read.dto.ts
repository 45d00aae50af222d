import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsExternalId } from '../common/external-id.js';
import { ListQuery } from '../common/pagination.js';
import {
  GAP_PURPOSES,
  GAP_STATES,
  GAP_URGENCIES,
  REMINDER_STATUSES,
  type GapPurpose,
  type GapState,
  type GapUrgency,
  type ReminderStatus,
} from './domain/vocabulary.js';

export class GapInteraction {
  @ApiProperty({ example: 'int-0001' }) externalId!: string;
  @ApiProperty({ example: 'INTERVIEW' }) kind!: string;
  @ApiProperty() occurredAt!: Date;
}

export class GapResource {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: GAP_PURPOSES }) purpose!: GapPurpose;
  @ApiProperty({ enum: GAP_STATES }) state!: GapState;
  @ApiProperty({
    enum: GAP_URGENCIES,
    nullable: true,
    type: String,
    description: 'At request time; null unless OPEN',
  })
  urgency!: GapUrgency | null;
  @ApiProperty() idealBy!: Date;
  @ApiProperty() overdueAt!: Date;
  @ApiProperty({ type: GapInteraction }) interaction!: GapInteraction;
  @ApiProperty() remindersSent!: number;
  @ApiProperty({ type: Date, nullable: true }) lastRemindedAt!: Date | null;
  @ApiProperty({ type: Date, nullable: true }) nextReminderAt!: Date | null;
}

export class GapList {
  @ApiProperty({ type: [GapResource] }) items!: GapResource[];
}

export class ReminderQuery extends ListQuery {
  @ApiPropertyOptional({ example: 'stu-2027-0001' })
  @IsOptional()
  @IsExternalId()
  studentExternalId?: string;

  @ApiPropertyOptional({ enum: REMINDER_STATUSES })
  @IsOptional()
  @IsIn(REMINDER_STATUSES, { message: `must be one of ${REMINDER_STATUSES.join(', ')}` })
  status?: ReminderStatus;
}

export class ReminderItemResource {
  @ApiProperty({ format: 'uuid' }) gapId!: string;
  @ApiProperty({ enum: GAP_PURPOSES }) purpose!: GapPurpose;
  @ApiProperty({ description: 'Which nudge of the gap (1 or 2)' }) nudge!: number;
  @ApiProperty({ type: String, nullable: true }) interactionExternalId!: string | null;
}

export class ReminderResource {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true }) studentExternalId!: string | null;
  @ApiProperty({ enum: REMINDER_STATUSES }) status!: ReminderStatus;
  @ApiProperty() scheduledAt!: Date;
  @ApiProperty({ type: Date, nullable: true }) sentAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) cancelReason!: string | null;
  @ApiProperty({ type: [ReminderItemResource] }) items!: ReminderItemResource[];
  @ApiProperty({
    description: 'Rule, anchor, time zone, quiet-hours shift and spacing decision',
    type: 'object',
    additionalProperties: true,
  })
  why!: Record<string, unknown>;
}

export class ReminderPage {
  @ApiProperty({ type: [ReminderResource] }) items!: ReminderResource[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
