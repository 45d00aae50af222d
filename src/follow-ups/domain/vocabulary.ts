/**
 * The service's vocabularies, each defined once, here. The rules' types, the REST DTOs (`@IsIn`,
 * `@ApiProperty({ enum })`) and the GraphQL enums (`src/advisors-api/models/enums.ts`, through `enumOf`) all
 * take their names and values from these lists; nothing else spells them out. They live in the domain because
 * the rules, which may import nothing outside it, use them, and every other folder that does stands above it.
 * The order of each list is the order the OpenAPI document shows.
 */

export const INTERACTION_KINDS = ['INTERVIEW', 'INFO_SESSION', 'CAREER_FAIR', 'NETWORKING', 'OTHER'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

export const INTERACTION_OUTCOMES = ['PENDING', 'PASSED', 'OFFER', 'REJECTED', 'WITHDRAWN'] as const;
export type InteractionOutcome = (typeof INTERACTION_OUTCOMES)[number];

/** What a follow-up is, and so what a gap waits for. */
export const GAP_PURPOSES = ['THANK_YOU', 'CHECK_IN'] as const;
export type GapPurpose = (typeof GAP_PURPOSES)[number];

export const GAP_STATES = ['OPEN', 'SATISFIED', 'DISMISSED', 'CLOSED'] as const;
export type GapState = (typeof GAP_STATES)[number];

/** Of an open gap, at a given instant. */
export const GAP_URGENCIES = ['DUE', 'LATE', 'OVERDUE'] as const;
export type GapUrgency = (typeof GAP_URGENCIES)[number];

/** How a student sent a follow-up. */
export const FOLLOW_UP_CHANNELS = ['EMAIL', 'PHONE', 'SNS', 'LETTER', 'IN_PERSON'] as const;
export type FollowUpChannel = (typeof FOLLOW_UP_CHANNELS)[number];

export const REMINDER_STATUSES = ['SCHEDULED', 'SENT', 'CANCELLED', 'SUPPRESSED', 'FAILED'] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

/** The statuses the rules plan a reminder with; dispatch and cancellation reach the others. */
export const PLANNED_REMINDER_STATUSES = [
  'SCHEDULED',
  'SUPPRESSED',
] as const satisfies readonly ReminderStatus[];
export type PlannedReminderStatus = (typeof PLANNED_REMINDER_STATUSES)[number];

/**
 * A vocabulary as an enum-like object, `{ EMAIL: 'EMAIL', … }`: what GraphQL's `registerEnumType`, Nest's
 * `ParseEnumPipe` and class-validator's `IsEnum` take, and `FollowUpChannel.EMAIL` in code.
 */
export function enumOf<T extends string>(values: readonly T[]): { readonly [K in T]: K } {
  return Object.fromEntries(values.map((value) => [value, value])) as { readonly [K in T]: K };
}
