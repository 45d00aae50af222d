// Reference implementation (test-only, excluded from the build): the luxon rules as they were before the
// millisecond rewrite, kept verbatim as the oracle that matches-reference.spec.ts compares the engine with.
import { Duration } from 'luxon';

export const CHECK_IN = {
  afterPromisedDate: Duration.fromObject({ days: 1 }),
  afterEndWithoutPromise: Duration.fromObject({ days: 7 }),
  secondAfterFirst: Duration.fromObject({ days: 7 }),
  idealWithin: Duration.fromObject({ days: 2 }),
  overdueAfter: Duration.fromObject({ days: 7 }),
  max: 2,
} as const;
export const NO_NUDGE_AFTER_END = Duration.fromObject({ days: 7 });
export const MIN_REMINDER_SPACING = Duration.fromObject({ hours: 4 });
export const DELIVERY_WINDOW = { startHour: 8, endHour: 21 } as const;
