import { graphql } from '../helpers/advisor-graphql.js';
import { DISMISS } from '../helpers/advisor-authorization-documents.js';
import {
  authorizationOracle,
  Tally,
  type AuthorizationOracle,
} from '../helpers/advisor-authorization-oracle.js';
import { seedAuthorizationWorld, type AuthorizationWorld } from '../helpers/advisor-authorization-seed.js';

/** The authorization matrix (test/helpers/advisor-authorization-seed.ts) over the dismissGap mutation. */
describe('advisor API authorization: dismissGap (2 centers × 3 advisors and a director, through HTTP)', () => {
  let world: AuthorizationWorld;
  let o: AuthorizationOracle;
  beforeAll(async () => {
    world = await seedAuthorizationWorld();
    o = authorizationOracle(world);
  });
  afterAll(() => world?.close());

  it('dismissGap outside the scope is NOT_FOUND and changes nothing', async () => {
    const { t, centers, viewers, restGaps } = world;
    const tally = new Tally();
    const before = await o.snapshot();

    // Every viewer against every student outside its scope: an open gap and a resolved one (a CONFLICT would
    // tell the gap exists), and the erased students' gaps.
    await Promise.all(
      viewers.map(async (v, n) => {
        const { students, erasedGaps } = o.outsideScope(v, n);
        for (const { where, open, resolved } of students) {
          if (open)
            o.expectNotFound(
              tally,
              `${where} dismissGap(open)`,
              await graphql(t, v.token, DISMISS, { id: open.id }),
            );
          if (resolved)
            o.expectNotFound(
              tally,
              `${where} dismissGap(${resolved.state})`,
              await graphql(t, v.token, DISMISS, { id: resolved.id }),
            );
        }
        for (const { key, id } of erasedGaps)
          o.expectNotFound(
            tally,
            `${v.label} dismissGap(${key} erased)`,
            await graphql(t, v.token, DISMISS, { id }),
          );
      }),
    );
    o.diff(tally, before, await o.snapshot());

    // Control: the same mutation inside the scope does work, so the NOT_FOUNDs above are the scope at work.
    const dismissed = await graphql(t, o.viewer('B:B-dir(director)').token, DISMISS, {
      id: o.openGapOf('B', 'B-s-21').id,
    });
    tally.check(
      dismissed.data?.dismissGap?.state === 'DISMISSED',
      () => `control dismiss: ${JSON.stringify(dismissed)}`,
    );
    tally.check(
      (await restGaps(centers.B, 'B-s-21')).find((g) => g.id === o.openGapOf('B', 'B-s-21').id)?.state ===
        'DISMISSED',
      () => 'control dismiss: REST does not show DISMISSED',
    );

    tally.expectClean();
    expect(tally.checks).toBeGreaterThan(200);
    console.log(
      `authorization matrix (dismissGap): ${tally.checks} checks, ${tally.violations.length} violations`,
    );
  });
});
