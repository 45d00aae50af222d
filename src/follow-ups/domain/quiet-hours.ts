import {
  atHour,
  inZone,
  localIso,
  plusDays,
  wallClockWithin,
  withHour,
  type ZonedTime,
} from './local-time.js';
import { DELIVERY_WINDOW } from './policy.js';
import type { ZoneOffsets } from './zones.js';

/** A move out of quiet hours, as the reminder's `why` tells it (local times with their offsets). */
export interface QuietHoursShift {
  from: string;
  to: string;
  reason: 'next-morning' | 'pulled-before-deadline';
}

export interface Placement {
  /** Epoch milliseconds. */
  at: number;
  /** Set when the instant moved out of quiet hours; the local times are put in words only for reminders kept. */
  shift: { from: ZonedTime; to: ZonedTime; reason: QuietHoursShift['reason'] } | null;
}

export const describeShift = (shift: Placement['shift']): QuietHoursShift | null =>
  shift && { from: localIso(shift.from), to: localIso(shift.to), reason: shift.reason };

const { startHour, endHour } = DELIVERY_WINDOW;

/**
 * SPEC rule 4. Nudges go out only between 08:00 and 21:00 in the student's zone (DST-correct). One that falls
 * in quiet hours moves to the next 08:00, unless that passes `deadline`; then it moves to 21:00 of the evening
 * the quiet hours began, provided that is not before `notBefore` (now, or the spacing bound); otherwise it
 * waits for 08:00 anyway: a late nudge beats one in the night. All instants are epoch milliseconds.
 */
export function placeInDeliveryWindow(
  instant: number,
  zone: ZoneOffsets,
  deadline: number,
  notBefore: number,
): Placement {
  if (wallClockWithin(instant, zone, startHour, endHour)) return { at: instant, shift: null };
  const local = inZone(instant, zone);
  const start = atHour(local, startHour, zone);
  const end = atHour(local, endHour, zone);
  // After midnight the window ahead is this morning's and the evening behind is yesterday's.
  const beforeStart = local.ts < start.ts;
  const morning = beforeStart ? start : withHour(plusDays(start, 1, zone), startHour, zone);
  const evening = beforeStart ? withHour(plusDays(end, -1, zone), endHour, zone) : end;
  if (morning.ts > deadline && evening.ts >= notBefore) {
    return { at: evening.ts, shift: { from: local, to: evening, reason: 'pulled-before-deadline' } };
  }
  return { at: morning.ts, shift: { from: local, to: morning, reason: 'next-morning' } };
}
