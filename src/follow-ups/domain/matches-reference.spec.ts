import fc from 'fast-check';
import { DateTime, Settings } from 'luxon';
import { planStudent } from './plan.js';
import { caseArb, transitionsOf, ZONES, type Case } from './reference/arbitraries.js';
import { planStudent as referencePlanStudent } from './reference/plan.oracle.js';

/** Where a plan holds an instant: epoch milliseconds in the engine's answer, a DateTime in the reference's. */
const INSTANTS = new Set(['opensAt', 'idealBy', 'overdueAt', 'staleAfter', 'dueAt', 'anchor', 'at']);

/**
 * The plan as plain data, every instant as epoch milliseconds (callers store and show only the instant):
 * cheap to compare on every run; `readable` gives instants as ISO text for a failure's diff.
 */
function comparable(value: unknown, readable = false, key = ''): unknown {
  if (DateTime.isDateTime(value)) return comparable(value.toMillis(), readable, key);
  if (typeof value === 'number' && INSTANTS.has(key)) return readable ? new Date(value).toISOString() : value;
  if (Array.isArray(value)) return value.map((v) => comparable(v, readable));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v, readable, k)]));
  return value;
}

/**
 * luxon parses a date in a zone with the zone's offset at the wall clock's "now" as its first guess, which
 * decides a repeated local midnight (America/Havana); the reference runs with luxon's clock at the plan's now.
 */
function reference({ facts, policy, now }: Case) {
  const clock = Settings.now;
  Settings.now = () => now.getTime();
  try {
    return referencePlanStudent(facts, policy, now);
  } finally {
    Settings.now = clock;
  }
}

const STUDENTS = 7_000;
const INTERACTIONS = { min: 15, max: 18 }; // STUDENTS × 15 ≥ 100,000 interactions

describe('the millisecond engine gives exactly what the luxon reference gave', () => {
  it('finds DST transitions to concentrate on in every zone that has them', () => {
    for (const zone of ZONES) {
      const count = transitionsOf(zone).length;
      expect(['Asia/Tokyo', 'UTC'].includes(zone) ? count === 0 : count >= 8).toBe(true);
    }
  });

  it(`same gaps, reminders and why for ${STUDENTS} students around DST nights (≥ 100,000 interactions)`, () => {
    let interactions = 0;
    fc.assert(
      fc.property(caseArb(INTERACTIONS.min, INTERACTIONS.max), (c) => {
        interactions += c.facts.interactions.length;
        const [actual, expected] = [planStudent(c.facts, c.policy, c.now), reference(c)];
        if (JSON.stringify(comparable(actual)) !== JSON.stringify(comparable(expected)))
          expect(comparable(actual, true)).toEqual(comparable(expected, true));
      }),
      { numRuns: STUDENTS },
    );
    expect(interactions).toBeGreaterThanOrEqual(100_000);
  });
});
