import fc from 'fast-check';
import { DateTime, Settings } from 'luxon';
import { planStudent } from './plan.js';
import { caseArb, transitionsOf, ZONES, type Case } from './reference/arbitraries.js';
import { planStudent as referencePlanStudent } from './reference/plan.oracle.js';

/** A DateTime is compared by instant and zone (its private caches are not part of the answer). */
const asText = (dt: DateTime, readable: boolean) =>
  readable
    ? `${dt.toISO()} [${dt.zone.type} ${dt.zoneName}]`
    : `${dt.toMillis()} [${dt.zone.type} ${dt.zoneName}]`;

/** The plan as plain data: cheap to compare (millis) on every run, readable (ISO) for the failure's diff. */
function comparable(value: unknown, readable = false): unknown {
  if (DateTime.isDateTime(value)) return asText(value, readable);
  if (Array.isArray(value)) return value.map((v) => comparable(v, readable));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v, readable)]));
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
