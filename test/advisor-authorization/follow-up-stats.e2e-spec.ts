import { graphql } from '../helpers/advisor-graphql.js';
import { BATCH, statsQuery } from '../helpers/advisor-authorization-documents.js';
import {
  authorizationOracle,
  chunks,
  sameSet,
  show,
  Tally,
  type AuthorizationOracle,
} from '../helpers/advisor-authorization-oracle.js';
import {
  HOUR,
  iso,
  NOW,
  seedAuthorizationWorld,
  type AuthorizationWorld,
  type Json,
} from '../helpers/advisor-authorization-seed.js';

/** The authorization matrix (test/helpers/advisor-authorization-seed.ts) over followUpStats. */
describe('advisor API authorization: followUpStats (2 centers × 3 advisors and a director, through HTTP)', () => {
  let world: AuthorizationWorld;
  let o: AuthorizationOracle;
  beforeAll(async () => {
    world = await seedAuthorizationWorld();
    o = authorizationOracle(world);
  });
  afterAll(() => world?.close());

  it('every viewer sees exactly its scope in followUpStats, whole and narrowed to each advisor', async () => {
    const { t, centers, viewers } = world;
    const tally = new Tally();
    const from = iso(NOW - 30 * 24 * HOUR);
    const to = iso(NOW + 24 * HOUR);

    await Promise.all(
      viewers.map(async (v) => {
        // The whole scope, then narrowed to each advisor of both centers.
        const statsFilters = [undefined, ...o.allAdvisorIds(), 'no-such-advisor'];
        for (const batch of chunks(statsFilters, BATCH.stats)) {
          const variables = Object.fromEntries(
            batch.map((advisorExternalId, i) => [`f${i}`, { from, to, advisorExternalId }]),
          );
          const response = await graphql(t, v.token, statsQuery(batch.length), variables);
          if (!o.ok(tally, `${v.label} followUpStats`, response)) continue;
          batch.forEach((advisorExternalId, i) => {
            const where = `${v.label} followUpStats(${advisorExternalId ?? 'scope'})`;
            const stats = response.data[`x${i}`];
            const scope = o
              .live(v.center)
              .filter(
                (s) =>
                  o.visible(v, s) && (advisorExternalId === undefined || s.advisor === advisorExternalId),
              );
            o.compareFigures(tally, where, stats, o.expectedFigures(scope));
            const advisorsInScope = [
              ...new Set(scope.filter((s) => s.interactions.length).map((s) => s.advisor)),
            ];
            const expectedPerAdvisor = v.role === 'director' ? advisorsInScope : [];
            tally.check(
              sameSet(
                stats.perAdvisor.map((p: Json) => p.advisor.externalId),
                expectedPerAdvisor,
              ),
              () =>
                `${where}: perAdvisor ${show(stats.perAdvisor.map((p: Json) => p.advisor.externalId))}, expected ${show(expectedPerAdvisor)}`,
            );
            for (const p of stats.perAdvisor) {
              const advisor = centers[v.center].advisors.find((a) => a.externalId === p.advisor.externalId);
              if (
                !tally.check(
                  advisor?.name === p.advisor.name,
                  () => `${where}: LEAK perAdvisor ${JSON.stringify(p.advisor)}`,
                )
              )
                continue;
              o.compareFigures(
                tally,
                `${where} perAdvisor ${advisor!.externalId}`,
                p,
                o.expectedFigures(scope.filter((s) => s.advisor === advisor!.externalId)),
              );
            }
          });
        }
      }),
    );

    tally.expectClean();
    expect(tally.checks).toBeGreaterThan(1800);
    console.log(
      `authorization matrix (followUpStats): ${tally.checks} checks, ${tally.violations.length} violations`,
    );
  });
});
