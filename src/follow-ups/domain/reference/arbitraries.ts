import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import type { FollowUpFacts, InteractionFacts, StudentFacts } from '../facts.js';
import { DEFAULT_POLICY, INTERACTION_KINDS, type KindPolicy, type Policy } from '../policy.js';
import { stableId } from '../stable-id.js';

/**
 * Random students for comparing the engine with the reference: zones with DST (and a few odd ones), instants
 * concentrated on the nights around each zone's offset changes in 2025–2028, plus uniform ones.
 */
export const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Australia/Sydney',
  'Asia/Tokyo',
  'Pacific/Chatham',
  // 30-minute DST; midnight repeats in autumn (luxon then picks by the offset at "now"); no DST at all.
  'Australia/Lord_Howe',
  'America/Havana',
  'UTC',
] as const;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const FROM = Date.UTC(2025, 0, 1);
const TO = Date.UTC(2029, 0, 1);

/** Each zone's offset changes in [FROM, TO), to the minute, found with luxon (independently of the engine). */
export function transitionsOf(zone: string): number[] {
  const tz = IANAZone.create(zone);
  const found: number[] = [];
  for (let t = FROM; t < TO; t += DAY) {
    if (tz.offset(t) === tz.offset(t + DAY)) continue;
    let [lo, hi] = [t, t + DAY];
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (tz.offset(mid) === tz.offset(lo)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
}

const TRANSITIONS = new Map(ZONES.map((zone) => [zone, transitionsOf(zone)]));

/** An offset from an anchor: whole quarter hours mostly (as people book meetings), sometimes any millisecond. */
const offsetMs = (minMs: number, maxMs: number) =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .integer({ min: minMs / (15 * MINUTE), max: maxMs / (15 * MINUTE) })
        .map((q) => q * 15 * MINUTE),
    },
    { weight: 1, arbitrary: fc.integer({ min: minMs, max: maxMs }) },
  );

/** The student's "base" instant: near one of the zone's transitions (3 nights before to 2 after), or anywhere. */
const baseArb = (zone: string) => {
  const transitions = TRANSITIONS.get(zone as (typeof ZONES)[number]) ?? [];
  const uniform = fc.integer({ min: FROM, max: TO - 1 });
  if (transitions.length === 0) return uniform;
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...transitions), offsetMs(-3 * DAY, 2 * DAY))
        .map(([t, d]) => t + d),
    },
    { weight: 1, arbitrary: uniform },
  );
};

const isoHours = (hours: number) => (hours % 24 === 0 && hours > 0 ? `P${hours / 24}D` : `PT${hours}H`);

const kindPolicyArb: fc.Arbitrary<KindPolicy> = fc.record({
  thankYou: fc.option(
    fc
      .tuple(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 0, max: 96 }),
      )
      .map(([first, ideal, overdue]) => ({
        firstNudgeAfter: isoHours(first),
        idealWithin: isoHours(first + ideal),
        overdueAfter: isoHours(first + ideal + overdue),
      })),
    { nil: null, freq: 6 },
  ),
  checkIns: fc.boolean(),
});

/** The default policy, mostly; otherwise random windows (tight ones exercise the pull before a deadline). */
export const policyArb: fc.Arbitrary<Policy> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(DEFAULT_POLICY) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(...INTERACTION_KINDS.map(() => kindPolicyArb))
      .map((kinds) => Object.fromEntries(INTERACTION_KINDS.map((kind, i) => [kind, kinds[i]])) as Policy),
  },
);

const interactionArb = (base: number, zone: string) =>
  fc
    .record({
      start: offsetMs(-3 * DAY, 3 * DAY),
      minutes: fc.option(fc.integer({ min: 0, max: 600 }), { nil: null }),
      kind: fc.constantFrom(...INTERACTION_KINDS),
      outcome: fc.constantFrom<InteractionFacts['outcome'][]>(
        'PENDING',
        'PENDING',
        'PENDING',
        'PASSED',
        'REJECTED',
      ),
      promisedInDays: fc.option(fc.integer({ min: -4, max: 10 }), { nil: null }),
    })
    .map(({ start, minutes, kind, outcome, promisedInDays }): Omit<InteractionFacts, 'id'> => {
      const occurredAt = new Date(base + start);
      return {
        kind,
        outcome,
        occurredAt,
        endedAt: minutes === null ? null : new Date(occurredAt.getTime() + minutes * MINUTE),
        // A local date near the base, so check-ins open at local midnights on and around transition days.
        resultExpectedBy:
          promisedInDays === null
            ? null
            : DateTime.fromMillis(base + promisedInDays * DAY, { zone }).toISODate(),
      };
    });

/** A reference to one of the student's possible gaps (by interaction index), for nudges, dismissals, snoozes. */
const gapRefArb = fc.record({
  which: fc.nat(),
  purpose: fc.constantFrom('THANK_YOU', 'CHECK_IN:1', 'CHECK_IN:2'),
});
const gapIdOf = (ids: string[], ref: { which: number; purpose: string }) =>
  stableId(`gap:${ids[ref.which % ids.length]}:${ref.purpose}`);

export interface Case {
  facts: StudentFacts;
  policy: Policy;
  now: Date;
}

/** One student with `minInteractions`–`maxInteractions` interactions, and when the rules run. */
export function caseArb(minInteractions: number, maxInteractions: number): fc.Arbitrary<Case> {
  return fc
    .constantFrom(...ZONES)
    .chain((zone) => fc.tuple(fc.constant(zone), baseArb(zone)))
    .chain(([zone, base]) =>
      fc.record({
        zone: fc.constant(zone),
        base: fc.constant(base),
        policy: policyArb,
        notificationsEnabled: fc.boolean(),
        interactions: fc.array(interactionArb(base, zone), {
          minLength: minInteractions,
          maxLength: maxInteractions,
        }),
        followUps: fc.array(
          fc.tuple(
            fc.nat(),
            offsetMs(0, 10 * DAY),
            fc.constantFrom<FollowUpFacts['purpose'][]>('THANK_YOU', 'CHECK_IN'),
          ),
          { maxLength: 8 },
        ),
        nudgesSent: fc.array(fc.tuple(gapRefArb, fc.constantFrom(1, 2), offsetMs(-3 * DAY, 10 * DAY)), {
          maxLength: 6,
        }),
        dismissed: fc.array(gapRefArb, { maxLength: 2 }),
        snoozed: fc.array(fc.tuple(gapRefArb, offsetMs(-1 * DAY, 10 * DAY)), { maxLength: 3 }),
        now: offsetMs(-2 * DAY, 12 * DAY),
        lastRemindedAgo: fc.option(offsetMs(0, 10 * HOUR), { nil: null }),
      }),
    )
    .map((c): Case => {
      const interactions = c.interactions.map((i, n) => ({ ...i, id: `i${n}` }));
      const ids = interactions.map((i) => i.id);
      const now = new Date(c.base + c.now);
      return {
        policy: c.policy,
        now,
        facts: {
          studentId: 'student-1',
          timezone: c.zone,
          notificationsEnabled: c.notificationsEnabled,
          interactions,
          followUps: c.followUps.map(([which, after, purpose]) => {
            const target = interactions[which % interactions.length];
            return {
              interactionId: target.id,
              sentAt: new Date(target.occurredAt.getTime() + after),
              purpose,
            };
          }),
          nudgesSent: c.nudgesSent.map(([ref, number, at]) => ({
            gapId: gapIdOf(ids, ref),
            number,
            at: new Date(c.base + at),
          })),
          lastRemindedAt: c.lastRemindedAgo === null ? null : new Date(now.getTime() - c.lastRemindedAgo),
          dismissedGaps: new Map(c.dismissed.map((ref) => [gapIdOf(ids, ref), 'dismissed by an advisor'])),
          snoozedUntil: new Map(
            c.snoozed.map(([ref, until]) => [gapIdOf(ids, ref), new Date(c.base + until)]),
          ),
        },
      };
    });
}
