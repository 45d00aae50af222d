import {
  authorizationOracle,
  Tally,
  type AuthorizationOracle,
} from '../helpers/advisor-authorization-oracle.js';
import { seedAuthorizationWorld, type AuthorizationWorld } from '../helpers/advisor-authorization-seed.js';

/** The authorization matrix (test/helpers/advisor-authorization-seed.ts) over studentsMissingFollowUps. */
describe('advisor API authorization: studentsMissingFollowUps (2 centers × 3 advisors and a director, through HTTP)', () => {
  let world: AuthorizationWorld;
  let o: AuthorizationOracle;
  beforeAll(async () => {
    world = await seedAuthorizationWorld();
    o = authorizationOracle(world);
  });
  afterAll(() => world?.close());

  it('every viewer sees exactly its scope in every filter, count and page, also walking on from a foreign cursor', async () => {
    const tally = new Tally();
    // No filter (pages of 2 and of 1), then every filter, walked to the end.
    await Promise.all(world.viewers.map((v) => o.walkEveryFilter(tally, v)));
    // A cursor is no key: another viewer continuing from a director's page still sees only its own scope.
    await o.walkFromForeignCursor(tally);

    tally.expectClean();
    expect(tally.checks).toBeGreaterThan(6000);
    console.log(
      `authorization matrix (studentsMissingFollowUps): ${tally.checks} checks, ${tally.violations.length} violations`,
    );
  });
});
