import {
  authorizationOracle,
  Tally,
  type AuthorizationOracle,
} from '../helpers/advisor-authorization-oracle.js';
import { seedAuthorizationWorld, type AuthorizationWorld } from '../helpers/advisor-authorization-seed.js';

/** The authorization matrix (test/helpers/advisor-authorization-seed.ts) over student(externalId). */
describe('advisor API authorization: student (2 centers × 3 advisors and a director, through HTTP)', () => {
  let world: AuthorizationWorld;
  let o: AuthorizationOracle;
  beforeAll(async () => {
    world = await seedAuthorizationWorld();
    o = authorizationOracle(world);
  });
  afterAll(() => world?.close());

  it('every viewer sees exactly its scope in student(externalId) and every nested field of it', async () => {
    const tally = new Tally();
    // Every student of both centers (and the erased one, and an unknown one), as every viewer.
    await Promise.all(world.viewers.map((v) => o.readEveryStudent(tally, v)));

    tally.expectClean();
    expect(tally.checks).toBeGreaterThan(1600);
    console.log(
      `authorization matrix (student): ${tally.checks} checks, ${tally.violations.length} violations`,
    );
  });
});
