// Reference implementation (test-only, excluded from the build): the luxon rules as they were before the
// millisecond rewrite, kept verbatim as the oracle that matches-reference.spec.ts compares the engine with.
import { DateTime } from 'luxon';
import { DELIVERY_WINDOW } from './policy.oracle.js';
import { studentZone } from './zones.oracle.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const mod = (n: number, m: number) => ((n % m) + m) % m;

export interface Placement {
  at: DateTime;
  /** Set when the instant moved out of quiet hours. */
  shift: { from: string; to: string; reason: 'next-morning' | 'pulled-before-deadline' } | null;
}

/**
 * SPEC rule 4. Nudges go out only between 08:00 and 21:00 in the student's zone (DST-correct, via luxon). One
 * that falls in quiet hours moves to the next 08:00, unless that passes `deadline`; then it moves to 21:00
 * of the evening the quiet hours began, provided that is not before `notBefore` (now, or the spacing bound);
 * otherwise it waits for 08:00 anyway: a late nudge beats one in the night.
 */
export function placeInDeliveryWindow(
  instant: DateTime,
  zone: string,
  deadline: DateTime,
  notBefore: DateTime,
): Placement {
  const tz = studentZone(zone);
  // Most nudges fall in daytime: decide that from the local wall clock alone, in millisecond arithmetic on
  // the zone's (cached) offset, without building a luxon DateTime in the zone.
  const utcMs = instant.toMillis();
  const localMsOfDay = mod(utcMs + tz.offset(utcMs) * MINUTE_MS, DAY_MS);
  const localHour = Math.floor(localMsOfDay / HOUR_MS);
  const atEndExactly = localMsOfDay === DELIVERY_WINDOW.endHour * HOUR_MS;
  if ((localHour >= DELIVERY_WINDOW.startHour && localHour < DELIVERY_WINDOW.endHour) || atEndExactly) {
    return { at: instant.toUTC(), shift: null };
  }
  const local = instant.setZone(tz);
  const start = local.set({ hour: DELIVERY_WINDOW.startHour, minute: 0, second: 0, millisecond: 0 });
  const end = local.set({ hour: DELIVERY_WINDOW.endHour, minute: 0, second: 0, millisecond: 0 });

  const morning = local < start ? start : start.plus({ days: 1 }).set({ hour: DELIVERY_WINDOW.startHour });
  const evening = local < start ? end.minus({ days: 1 }).set({ hour: DELIVERY_WINDOW.endHour }) : end;
  const from = local.toISO()!;
  if (morning > deadline && evening >= notBefore) {
    return { at: evening.toUTC(), shift: { from, to: evening.toISO()!, reason: 'pulled-before-deadline' } };
  }
  return { at: morning.toUTC(), shift: { from, to: morning.toISO()!, reason: 'next-morning' } };
}
