import { Duration } from 'luxon';
import type { InteractionKind } from './vocabulary.js';

// Defined in ./vocabulary; still exported here, where the kinds' policies are, for the callers that look here.
export { INTERACTION_KINDS, type InteractionKind } from './vocabulary.js';

/** The windows of one interaction kind, as ISO-8601 durations. `thankYou: null` means no thank-you is expected. */
export interface KindPolicy {
  thankYou: { firstNudgeAfter: string; idealWithin: string; overdueAfter: string } | null;
  checkIns: boolean;
}

export type Policy = Record<InteractionKind, KindPolicy>;

/** SPEC section 3: the defaults every center starts with. */
export const DEFAULT_POLICY: Policy = {
  INTERVIEW: {
    thankYou: { firstNudgeAfter: 'PT2H', idealWithin: 'PT24H', overdueAfter: 'PT48H' },
    checkIns: true,
  },
  INFO_SESSION: {
    thankYou: { firstNudgeAfter: 'PT3H', idealWithin: 'PT24H', overdueAfter: 'PT72H' },
    checkIns: false,
  },
  CAREER_FAIR: {
    thankYou: { firstNudgeAfter: 'PT3H', idealWithin: 'PT48H', overdueAfter: 'PT96H' },
    checkIns: false,
  },
  NETWORKING: {
    thankYou: { firstNudgeAfter: 'PT3H', idealWithin: 'PT24H', overdueAfter: 'PT72H' },
    checkIns: false,
  },
  OTHER: { thankYou: null, checkIns: false },
};

/** Check-ins (SPEC rule 3): a check-in is ideally done 2 days and overdue 7 days after it opens. */
export const CHECK_IN = {
  afterPromisedDate: Duration.fromObject({ days: 1 }),
  afterEndWithoutPromise: Duration.fromObject({ days: 7 }),
  secondAfterFirst: Duration.fromObject({ days: 7 }),
  idealWithin: Duration.fromObject({ days: 2 }),
  overdueAfter: Duration.fromObject({ days: 7 }),
  max: 2,
} as const;

/** Late data (SPEC rule 6): no thank-you nudge once the gap is more than this past the interaction's end. */
export const NO_NUDGE_AFTER_END = Duration.fromObject({ days: 7 });
/** No nagging (SPEC rule 5). */
export const MIN_REMINDER_SPACING = Duration.fromObject({ hours: 4 });
/** Quiet hours (SPEC rule 4): nudges only between these local times, inclusive. */
export const DELIVERY_WINDOW = { startHour: 8, endHour: 21 } as const;

/** Parses an ISO-8601 duration such as `PT2H` or `P1D`; undefined when it is not one or not positive. */
export function parseDuration(value: string): Duration | undefined {
  const duration = Duration.fromISO(value);
  return duration.isValid && duration.as('milliseconds') > 0 ? duration : undefined;
}

/** The rule of the policy API: firstNudgeAfter < idealWithin <= overdueAfter. */
export function windowsInOrder(
  firstNudgeAfter: Duration,
  idealWithin: Duration,
  overdueAfter: Duration,
): boolean {
  const ms = (d: Duration) => d.as('milliseconds');
  return ms(firstNudgeAfter) < ms(idealWithin) && ms(idealWithin) <= ms(overdueAfter);
}
