import type { ZoneOffsets } from './zones.js';

/**
 * Student-local wall-clock arithmetic in epoch milliseconds, step for step what luxon's DateTime does (so DST
 * gaps and overlaps resolve exactly as they did): an instant in a zone is `{ ts, o }` (o: minutes east of UTC),
 * its wall clock is `ts + o` read as if UTC, and a wall clock becomes an instant through luxon's `fixOffset`.
 */
export interface ZonedTime {
  ts: number;
  o: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export const inZone = (ts: number, zone: ZoneOffsets): ZonedTime => ({ ts, o: zone.offsetAt(ts) });

const wallClock = (t: ZonedTime) => t.ts + t.o * MINUTE;
const startOfDay = (wall: number) => Math.floor(wall / DAY) * DAY;

/**
 * luxon's fixOffset: the instant showing wall clock `wall`, trying offset `guess` first. In a gap (spring
 * forward) the wall clock moves forward by the jump; in an overlap (fall back) the guess picks the side.
 */
export function fromWallClock(wall: number, guess: number, zone: ZoneOffsets): ZonedTime {
  let ts = wall - guess * MINUTE;
  const o2 = zone.offsetAt(ts);
  if (guess === o2) return { ts, o: guess };
  ts -= (o2 - guess) * MINUTE;
  const o3 = zone.offsetAt(ts);
  if (o2 === o3) return { ts, o: o2 };
  return { ts: wall - Math.min(o2, o3) * MINUTE, o: Math.max(o2, o3) };
}

/** luxon's `set(...)` then a clone: the offset is looked up again at the resulting instant. */
const settled = (wall: number, guess: number, zone: ZoneOffsets) =>
  inZone(fromWallClock(wall, guess, zone).ts, zone);

/** `t.set({ hour, minute: 0, second: 0, millisecond: 0 })`. */
export const atHour = (t: ZonedTime, hour: number, zone: ZoneOffsets): ZonedTime =>
  settled(startOfDay(wallClock(t)) + hour * HOUR, t.o, zone);

/** `t.set({ hour })`: minutes, seconds and milliseconds stay. */
export function withHour(t: ZonedTime, hour: number, zone: ZoneOffsets): ZonedTime {
  const wall = wallClock(t);
  const day = startOfDay(wall);
  return settled(day + hour * HOUR + ((wall - day) % HOUR), t.o, zone);
}

/** `t.plus({ days })`: same wall-clock time, `days` calendar days later. */
export const plusDays = (t: ZonedTime, days: number, zone: ZoneOffsets): ZonedTime =>
  settled(wallClock(t) + days * DAY, t.o, zone);

/** Whether the wall clock of `ms` in `zone` is within [startHour:00, endHour:00], both inclusive. */
export function wallClockWithin(ms: number, zone: ZoneOffsets, startHour: number, endHour: number): boolean {
  const wall = ms + zone.offsetAt(ms) * MINUTE;
  const ofDay = wall - startOfDay(wall);
  const hour = Math.floor(ofDay / HOUR);
  return (hour >= startHour && hour < endHour) || ofDay === endHour * HOUR;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** `t.toISO()` in its zone, e.g. `2026-03-08T08:00:00.000-04:00` (never `Z`: the zone is not fixed-offset). */
export function localIso(t: ZonedTime): string {
  const wall = new Date(wallClock(t)).toISOString();
  const sign = t.o < 0 ? '-' : '+';
  const o = Math.abs(t.o);
  return `${wall.slice(0, -1)}${sign}${pad2(Math.trunc(o / 60))}:${pad2(Math.trunc(o % 60))}`;
}

/** A UTC DateTime's `toISO()`, e.g. `2026-11-26T03:00:00.000Z`; null for an invalid instant, as luxon says. */
export function utcIso(ms: number): string | null {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
