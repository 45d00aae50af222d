import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, registerDecorator, type ValidationOptions } from 'class-validator';
import { parseDuration } from './domain/policy.js';
import { INTERACTION_KINDS, type InteractionKind } from './domain/vocabulary.js';

/** Longer text is refused before it is parsed; OpenAPI reads the limit from here too. */
export const MAX_DURATION_LENGTH = 64;

export function IsIsoDuration(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIsoDuration',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'must be a positive ISO-8601 duration such as PT2H or P2D', ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          value.length <= MAX_DURATION_LENGTH &&
          parseDuration(value) !== undefined,
      },
    });
}

export class PolicyBody {
  @ApiProperty({
    example: 'PT2H',
    description: 'First thank-you nudge this long after the interaction ended',
  })
  @IsIsoDuration()
  firstNudgeAfter!: string;

  @ApiProperty({ example: 'PT24H', description: 'The thank-you is ideally sent within this' })
  @IsIsoDuration()
  idealWithin!: string;

  @ApiProperty({ example: 'PT48H', description: 'After this the gap is OVERDUE' })
  @IsIsoDuration()
  overdueAfter!: string;

  @ApiPropertyOptional({
    description: 'Open check-in gaps while the outcome is PENDING (interviews by default)',
  })
  @IsOptional()
  @IsBoolean()
  checkIns?: boolean;
}

export class PolicyResource {
  @ApiProperty({ enum: INTERACTION_KINDS }) kind!: InteractionKind;
  @ApiProperty({ type: String, nullable: true, example: 'PT2H' }) firstNudgeAfter!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'PT24H' }) idealWithin!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'PT48H' }) overdueAfter!: string | null;
  @ApiProperty() checkIns!: boolean;
  @ApiProperty({ description: 'true while the kind uses the SPEC default' }) isDefault!: boolean;
}

export class RecomputeStatus {
  @ApiProperty({ enum: ['pending', 'running', 'done'] }) status!: 'pending' | 'running' | 'done';
  @ApiProperty() requestedAt!: Date;
  @ApiProperty({ type: Date, nullable: true }) finishedAt!: Date | null;
  @ApiProperty({ description: 'Students recomputed so far in the current run' }) studentsDone!: number;
  @ApiProperty({ description: "The center's students (not erased): what a run recomputes" })
  studentsTotal!: number;
}

/** What `PUT /v1/policies/{kind}` stored, with the recompute it started. */
export class StoredPolicy extends PolicyResource {
  @ApiProperty({ type: RecomputeStatus, nullable: true, description: 'The recompute this change started' })
  recompute!: RecomputeStatus | null;
}

export class PolicyList {
  @ApiProperty({ type: [PolicyResource] }) items!: PolicyResource[];
  @ApiProperty({
    type: RecomputeStatus,
    nullable: true,
    description: 'The recompute the last policy change started',
  })
  recompute!: RecomputeStatus | null;
}
