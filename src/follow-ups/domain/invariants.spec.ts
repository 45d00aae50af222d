import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { InteractionFacts, StudentFacts } from './facts.js';
import { planStudent } from './plan.js';
import { DEFAULT_POLICY, DELIVERY_WINDOW, INTERACTION_KINDS } from './policy.js';
import { student } from './test-facts.js';

const ZONES = [
  'Asia/Tokyo',
  'America/New_York',
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'UTC',
];
const START = Date.UTC(2026, 0, 1);
const YEAR_MS = 365 * 24 * 3600 * 1000;

const interactionArb = fc
  .record({
    start: fc.integer({ min: 0, max: YEAR_MS }),
    minutes: fc.option(fc.integer({ min: 0, max: 600 }), { nil: null }),
    kind: fc.constantFrom(...INTERACTION_KINDS),
    outcome: fc.constantFrom('PENDING', 'PENDING', 'PASSED', 'REJECTED'),
    promisedInDays: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
  })
  .map(({ start, minutes, kind, outcome, promisedInDays }): Omit<InteractionFacts, 'id'> => {
    const occurredAt = new Date(START + start);
    return {
      kind,
      outcome: outcome,
      occurredAt,
      endedAt: minutes === null ? null : new Date(occurredAt.getTime() + minutes * 60_000),
      resultExpectedBy:
        promisedInDays === null
          ? null
          : new Date(occurredAt.getTime() + promisedInDays * 86_400_000).toISOString().slice(0, 10),
    };
  });

const factsArb = fc
  .record({
    timezone: fc.constantFrom(...ZONES),
    notificationsEnabled: fc.boolean(),
    interactions: fc.array(interactionArb, { minLength: 1, maxLength: 5 }),
    followUpOf: fc.array(
      fc.tuple(
        fc.nat(),
        fc.integer({ min: 0, max: 10 * 86_400_000 }),
        fc.constantFrom('THANK_YOU', 'CHECK_IN'),
      ),
      { maxLength: 4 },
    ),
    lastRemindedAgo: fc.option(fc.integer({ min: 0, max: 10 * 3600_000 }), { nil: null }),
    nowOffset: fc.integer({ min: -2 * 86_400_000, max: 20 * 86_400_000 }),
  })
  .map(({ timezone, notificationsEnabled, interactions, followUpOf, lastRemindedAgo, nowOffset }) => {
    const withIds = interactions.map((i, n) => ({ ...i, id: `i${n}` }));
    const now = new Date(withIds[0].occurredAt.getTime() + nowOffset);
    const facts: StudentFacts = student({
      timezone,
      notificationsEnabled,
      interactions: withIds,
      followUps: followUpOf.map(([which, after, purpose]) => {
        const target = withIds[which % withIds.length];
        return {
          interactionId: target.id,
          sentAt: new Date(target.occurredAt.getTime() + after),
          purpose: purpose,
        };
      }),
      lastRemindedAt: lastRemindedAgo === null ? null : new Date(now.getTime() - lastRemindedAgo),
    });
    return { facts, now };
  });

describe('invariants of the schedule (property-based)', () => {
  it('holds for any student: delivery window, two nudges per gap, 4-hour spacing, staleness', () => {
    fc.assert(
      fc.property(factsArb, ({ facts, now }) => {
        const plan = planStudent(facts, DEFAULT_POLICY, now);
        const gaps = new Map(plan.gaps.map((g) => [g.id, g]));
        const times = plan.reminders.map((r) => r.at).sort((a, b) => a - b);
        for (const reminder of plan.reminders) {
          // rule 4: never in quiet hours (a pull-forward lands on 21:00, still inside the window)
          const local = DateTime.fromMillis(reminder.at, { zone: facts.timezone });
          const minutes = local.hour * 60 + local.minute;
          expect(minutes >= DELIVERY_WINDOW.startHour * 60 && minutes <= DELIVERY_WINDOW.endHour * 60).toBe(
            true,
          );
          expect(reminder.at).toBeGreaterThanOrEqual(now.getTime());
          for (const item of reminder.items) {
            const gap = gaps.get(item.gapId)!;
            expect(gap.state).toBe('OPEN');
            expect(item.nudge).toBeLessThanOrEqual(2);
            expect(reminder.at <= gap.staleAfter).toBe(true); // rule 6
          }
        }
        // rule 1: at most two nudges per gap, and each nudge number once
        const perGap = new Map<string, number[]>();
        for (const item of plan.reminders.flatMap((r) => r.items))
          perGap.set(item.gapId, [...(perGap.get(item.gapId) ?? []), item.nudge]);
        for (const numbers of perGap.values()) {
          expect(numbers.length).toBeLessThanOrEqual(2);
          expect(new Set(numbers).size).toBe(numbers.length);
        }
        // rule 5: never two reminders within 4 hours, nor within 4 hours of the last one sent
        for (let i = 1; i < times.length; i++)
          expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(4 * 3600_000);
        if (facts.lastRemindedAt && times.length)
          expect(times[0] - facts.lastRemindedAt.getTime()).toBeGreaterThanOrEqual(4 * 3600_000);
        // determinism
        expect(planStudent(facts, DEFAULT_POLICY, now)).toEqual(plan);
      }),
      { numRuns: 500 },
    );
  });

  it('places each reminder 08:00–21:00 local even across DST changes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: 0, max: YEAR_MS }), (zone, offset) => {
        const end = DateTime.fromMillis(START + offset, { zone: 'utc' });
        const facts = student({
          timezone: zone,
          interactions: [
            {
              id: 'i',
              kind: 'NETWORKING',
              outcome: 'PENDING',
              occurredAt: end.toJSDate(),
              endedAt: null,
              resultExpectedBy: null,
            },
          ],
        });
        const [reminder] = planStudent(facts, DEFAULT_POLICY, end.toJSDate()).reminders;
        const local = DateTime.fromMillis(reminder.at, { zone });
        expect(local.hour * 60 + local.minute).toBeGreaterThanOrEqual(8 * 60);
        expect(local.hour * 60 + local.minute).toBeLessThanOrEqual(21 * 60);
      }),
      { numRuns: 300 },
    );
  });
});
