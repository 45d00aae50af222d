import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsBoolean, IsOptional } from 'class-validator';
import { IsIsoDuration } from '../../follow-ups/policy.dto.js';
import { GapPurpose, InteractionKind } from './enums.js';
import { DateTimeScalar } from './date-time.scalar.js';

// policyPreview: the figures of POST /v1/policies/{kind}/preview, field for field (README "Previews").

/** Samples a preview shows at most (MAX_SAMPLES in follow-ups/policy-preview.ts). */
const SAMPLES = 20;

@InputType({ description: 'A policy for one interaction kind: the body of PUT /v1/policies/{kind}.' })
export class PolicyInput {
  @Field({
    description: 'First thank-you nudge this long after the interaction ended (ISO-8601, e.g. PT2H).',
  })
  @IsIsoDuration()
  firstNudgeAfter!: string;

  @Field({ description: 'The thank-you is ideally sent within this (ISO-8601, e.g. PT24H).' })
  @IsIsoDuration()
  idealWithin!: string;

  @Field({ description: 'After this the gap is OVERDUE (ISO-8601, e.g. PT48H).' })
  @IsIsoDuration()
  overdueAfter!: string;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "Open check-in gaps while the outcome is PENDING; null: the kind's default (interviews only).",
  })
  @IsOptional()
  @IsBoolean()
  checkIns?: boolean | null;
}

@ObjectType({ description: "A kind's follow-up windows as ISO-8601 durations." })
export class PolicyWindows {
  @Field(() => String, {
    nullable: true,
    description: 'First thank-you nudge after the end; null: no thank-you.',
  })
  firstNudgeAfter!: string | null;
  @Field(() => String, { nullable: true, description: 'Thank-you ideally within this; null: no thank-you.' })
  idealWithin!: string | null;
  @Field(() => String, { nullable: true, description: 'OVERDUE after this; null: no thank-you.' })
  overdueAfter!: string | null;
  @Field({ description: 'Whether check-in gaps open while the outcome is PENDING.' })
  checkIns!: boolean;
}

@ObjectType({ description: 'Open gaps of the kind, by how their idealBy (then overdueAt) would move.' })
export class PolicyGapChanges {
  @Field(() => Int, { description: 'Due sooner under the proposed policy.' }) earlier!: number;
  @Field(() => Int, { description: 'Due later under the proposed policy.' }) later!: number;
  @Field(() => Int, { description: 'Due at the same instants.' }) unchanged!: number;
}

@ObjectType({ description: 'Pending reminders of the students planned, compared plan by plan.' })
export class PolicyReminderChanges {
  @Field(() => Int, { description: 'Reminders the proposed policy would add.' }) added!: number;
  @Field(() => Int, { description: 'Reminders that would go out at another time (or status).' })
  moved!: number;
  @Field(() => Int, { description: 'Reminders the proposed policy would cancel.' }) cancelled!: number;
  @Field(() => Int, { description: 'Reminders that would stay as they are.' }) unchanged!: number;
}

@ObjectType({ description: "A gap's windows and next reminder under one policy." })
export class PolicyGapTimes {
  @Field(() => DateTimeScalar, { description: 'The follow-up is ideally sent by this instant.' })
  idealBy!: string;
  @Field(() => DateTimeScalar, { description: 'The gap is OVERDUE from this instant.' }) overdueAt!: string;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Its next scheduled nudge; null: none.' })
  nextReminderAt!: string | null;
}

@ObjectType({ description: 'A gap that would move, before and after.' })
export class PolicyPreviewSample {
  @Field({ description: "The student's externalId." }) studentExternalId!: string;
  @Field({ description: "The interaction's externalId." }) interactionExternalId!: string;
  @Field(() => GapPurpose, { description: 'Which follow-up the gap waits for.' }) purpose!: GapPurpose;
  @Field(() => PolicyGapTimes, { description: 'Under the current policy.' }) before!: PolicyGapTimes;
  @Field(() => PolicyGapTimes, { description: 'Under the proposed policy.' }) after!: PolicyGapTimes;
}

@ObjectType({
  description:
    "What setting the kind's policy would change across the center, storing nothing: the figures of POST /v1/policies/{kind}/preview.",
})
export class PolicyPreview {
  @Field(() => InteractionKind, { description: 'The kind the policy is for.' }) kind!: InteractionKind;
  @Field(() => PolicyWindows, { description: "The kind's policy now." }) current!: PolicyWindows;
  @Field(() => PolicyWindows, { description: 'The policy as PUT would store it.' }) proposed!: PolicyWindows;
  @Field(() => Int, {
    description: 'Students with open gaps of the kind whose gaps or reminders would change.',
  })
  studentsAffected!: number;
  @Field(() => PolicyGapChanges, { description: 'Open gaps of the kind, by how they would move.' })
  gaps!: PolicyGapChanges;
  @Field(() => PolicyReminderChanges, { description: 'Pending reminders of the students planned.' })
  reminders!: PolicyReminderChanges;
  @Field(() => [PolicyPreviewSample], {
    description: `Up to ${SAMPLES} gaps that would move.`,
    complexity: ({ childComplexity }) => SAMPLES * (1 + childComplexity),
  })
  samples!: PolicyPreviewSample[];
}
