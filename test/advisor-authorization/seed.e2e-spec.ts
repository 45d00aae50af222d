import { authorizationOracle, type AuthorizationOracle } from '../helpers/advisor-authorization-oracle.js';
import { seedAuthorizationWorld, type AuthorizationWorld } from '../helpers/advisor-authorization-seed.js';

/** The world every spec of the authorization matrix seeds (test/helpers/advisor-authorization-seed.ts). */
describe('advisor API authorization matrix: the seeded world (2 centers × 3 advisors and a director)', () => {
  let world: AuthorizationWorld;
  let o: AuthorizationOracle;
  beforeAll(async () => {
    world = await seedAuthorizationWorld();
    o = authorizationOracle(world);
  });
  afterAll(() => world?.close());

  it('seeds a world where every urgency, kind and purpose is present in both centers', () => {
    const { centers, viewers } = world;
    for (const key of ['A', 'B'] as const) {
      const open = o.live(key).flatMap(o.openGaps);
      expect(new Set(open.map((g) => g.urgency))).toEqual(new Set(['DUE', 'LATE', 'OVERDUE']));
      expect(new Set(open.map((g) => g.purpose))).toEqual(new Set(['THANK_YOU', 'CHECK_IN']));
      expect(new Set(open.map((g) => g.interaction.kind))).toEqual(
        new Set(['INTERVIEW', 'INFO_SESSION', 'CAREER_FAIR', 'NETWORKING']),
      );
      const all = o.live(key).flatMap((s) => centers[key].gaps.get(s.externalId)!);
      expect(all.filter((g) => g.state === 'SATISFIED').length).toBeGreaterThan(2);
      expect([...centers[key].reminders.values()].flat().length).toBeGreaterThan(5);
      // Every interaction but OTHER has its thank-you gap (the oracle of followUpStats relies on it).
      for (const s of o.live(key))
        for (const i of s.interactions.filter((i) => i.kind !== 'OTHER'))
          expect(
            all.some((g) => g.purpose === 'THANK_YOU' && g.interaction.externalId === i.externalId),
          ).toBe(true);
      expect(centers[key].erasedGapIds.length).toBeGreaterThan(0);
    }
    expect(viewers).toHaveLength(12);
  });
});
