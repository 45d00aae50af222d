import { graphql } from '../helpers/advisor-graphql.js';
import { SNOOZE } from '../helpers/advisor-authorization-documents.js';
import {
  authorizationOracle,
  Tally,
  type AuthorizationOracle,
} from '../helpers/advisor-authorization-oracle.js';
import {
  HOUR,
  iso,
  NOW,
  seedAuthorizationWorld,
  type AuthorizationWorld,
} from '../helpers/advisor-authorization-seed.js';

/** The authorization matrix (test/helpers/advisor-authorization-seed.ts) over the snoozeGap mutation. */
describe('advisor API authorization: snoozeGap (2 centers × 3 advisors and a director, through HTTP)', () => {
  let world: AuthorizationWorld;
  let o: AuthorizationOracle;
  beforeAll(async () => {
    world = await seedAuthorizationWorld();
    o = authorizationOracle(world);
  });
  afterAll(() => world?.close());

  it('snoozeGap outside the scope is NOT_FOUND and changes nothing', async () => {
    const { t, viewers } = world;
    const tally = new Tally();
    const before = await o.snapshot();
    const until = iso(NOW + 2 * 24 * HOUR);

    // Every viewer against an open gap of every student outside its scope, and the erased students' gaps.
    await Promise.all(
      viewers.map(async (v, n) => {
        const { students, erasedGaps } = o.outsideScope(v, n);
        for (const { where, open } of students)
          if (open)
            o.expectNotFound(
              tally,
              `${where} snoozeGap`,
              await graphql(t, v.token, SNOOZE, { id: open.id, until }),
            );
        for (const { key, id } of erasedGaps)
          o.expectNotFound(
            tally,
            `${v.label} snoozeGap(${key} erased)`,
            await graphql(t, v.token, SNOOZE, { id, until }),
          );
      }),
    );
    o.diff(tally, before, await o.snapshot());

    // Control: the same mutation inside the scope does work, so the NOT_FOUNDs above are the scope at work.
    const snoozed = await graphql(t, o.viewer('A:A-adv-1(advisor)').token, SNOOZE, {
      id: o.openGapOf('A', 'A-s-12').id,
      until,
    });
    tally.check(
      snoozed.data?.snoozeGap?.state === 'OPEN',
      () => `control snooze: ${JSON.stringify(snoozed)}`,
    );

    tally.expectClean();
    expect(tally.checks).toBeGreaterThan(170);
    console.log(
      `authorization matrix (snoozeGap): ${tally.checks} checks, ${tally.violations.length} violations`,
    );
  });
});
