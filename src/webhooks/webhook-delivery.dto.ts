import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ListQuery } from '../common/pagination.js';

export const DELIVERY_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;

export class DeliveryQuery extends ListQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: (typeof DELIVERY_STATUSES)[number];
}

export class DeliveryAttempt {
  @ApiProperty() at!: Date;
  @ApiProperty({ type: Number, nullable: true }) statusCode!: number | null;
  @ApiProperty() latencyMs!: number;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
}

export class DeliveryResource {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) endpointId!: string;
  @ApiProperty({ example: 'followup.reminder' }) eventType!: string;
  @ApiProperty({ description: 'The webhook-id header: the same on every attempt and redelivery' })
  webhookId!: string;
  @ApiProperty({ type: String, nullable: true }) reminderId!: string | null;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: string;
  @ApiProperty() attemptCount!: number;
  @ApiProperty() nextAttemptAt!: Date;
  @ApiProperty({ type: Number, nullable: true }) lastStatusCode!: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ type: Date, nullable: true }) finishedAt!: Date | null;
  @ApiProperty({ type: [DeliveryAttempt] }) attempts!: DeliveryAttempt[];
}

export class DeliveryPage {
  @ApiProperty({ type: [DeliveryResource] }) items!: DeliveryResource[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
