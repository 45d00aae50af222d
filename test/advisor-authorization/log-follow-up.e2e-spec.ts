import { graphql } from '../helpers/advisor-graphql.js';
import { LOG } from '../helpers/advisor-authorization-documents.js';
import {
  authorizationOracle,
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
} from '../helpers/advisor-authorization-seed.js';

/** The authorization matrix (test/helpers/advisor-authorization-seed.ts) over the logFollowUp mutation. */
describe('advisor API authorization: logFollowUp (2 centers × 3 advisors and a director, through HTTP)', () => {
  let world: AuthorizationWorld;
  let o: AuthorizationOracle;
  beforeAll(async () => {
    world = await seedAuthorizationWorld();
    o = authorizationOracle(world);
  });
  afterAll(() => world?.close());

  it('logFollowUp outside the scope is NOT_FOUND and changes nothing', async () => {
    const { t, centers, viewers, restGaps, loadTruth } = world;
    const tally = new Tally();
    const before = await o.snapshot();
    const sentAt = iso(NOW - HOUR);

    // Every viewer against an interaction of every student outside its scope.
    await Promise.all(
      viewers.map(async (v, n) => {
        for (const { where, interaction } of o.outsideScope(v, n).students)
          if (interaction)
            o.expectNotFound(
              tally,
              `${where} logFollowUp(${interaction.externalId})`,
              await graphql(t, v.token, LOG, {
                input: {
                  interactionExternalId: interaction.externalId,
                  channel: 'PHONE',
                  sentAt,
                  note: 'by phone',
                },
              }),
            );
      }),
    );
    o.diff(tally, before, await o.snapshot());

    // Control: the same mutation inside the scope does work, so the NOT_FOUNDs above are the scope at work.
    const logged = await graphql(t, o.viewer('A:api-key').token, LOG, {
      input: { interactionExternalId: 'A-s-32-i1', channel: 'PHONE', sentAt },
    });
    tally.check(
      logged.data?.logFollowUp?.interactionExternalId === 'A-s-32-i1',
      () => `control log: ${JSON.stringify(logged)}`,
    );
    tally.check(
      (await restGaps(centers.A, 'A-s-32')).find((g) => g.interaction.externalId === 'A-s-32-i1')?.state ===
        'SATISFIED',
      () => 'control log: REST does not show the gap SATISFIED',
    );
    await loadTruth(centers.A);
    await loadTruth(centers.B);

    tally.expectClean();
    expect(tally.checks).toBeGreaterThan(160);
    console.log(
      `authorization matrix (logFollowUp): ${tally.checks} checks, ${tally.violations.length} violations`,
    );
  });

  /**
   * logFollowUp checks that `interactionExternalId` is in the advisor's scope, but then upserts the follow-up
   * under the caller-chosen `externalId` (AdvisorActionsService.logFollowUp → FollowUpsService.upsertMany, ON
   * CONFLICT (center_id, external_id) DO UPDATE). Naming another student's follow-up moves it onto the
   * advisor's own interaction, overwrites its channel, time and note, and reopens the other student's gap.
   */
  it("logFollowUp cannot take over a follow-up outside the advisor's scope by reusing its externalId", async () => {
    const { t, centers, viewers, rest, restGaps } = world;
    const tally = new Tally();
    const sentAt = iso(NOW - HOUR);
    for (const v of viewers.filter((v) => v.role === 'advisor')) {
      const c = centers[v.center];
      const ownInteraction = o.live(v.center).find((s) => o.visible(v, s))!.interactions[0].externalId;
      // One victim per advisor: a student of a colleague with a logged follow-up.
      const victims = o
        .live(v.center)
        .filter((s) => !o.visible(v, s) && s.interactions.some((i) => i.followUp))
        .slice(0, 1);
      for (const victim of victims) {
        const target = victim.interactions.find((i) => i.followUp)!;
        const fu = target.followUp!.externalId;
        const where = `${v.label} logFollowUp(externalId: ${fu} of ${victim.externalId})`;
        const before = (await rest(c).get(`/v1/follow-ups/${fu}`).expect(200)).body;
        const gapsBefore = await restGaps(c, victim.externalId);
        const response = await graphql(t, v.token, LOG, {
          input: {
            interactionExternalId: ownInteraction,
            channel: 'PHONE',
            sentAt,
            note: 'overwritten',
            externalId: fu,
          },
        });
        tally.check(
          !!response.errors?.length && !response.data,
          () => `${where}: accepted, returned ${JSON.stringify(response.data)}`,
        );
        const after = (await rest(c).get(`/v1/follow-ups/${fu}`).expect(200)).body;
        const moved =
          after.interactionExternalId !== before.interactionExternalId || after.note !== before.note;
        tally.check(
          !moved,
          () =>
            `${where}: the follow-up now answers ${after.interactionExternalId} (was ${before.interactionExternalId})`,
        );
        const gapsAfter = await restGaps(c, victim.externalId);
        tally.check(
          sameSet(
            gapsAfter.map((g) => `${g.id}|${g.state}`),
            gapsBefore.map((g) => `${g.id}|${g.state}`),
          ),
          () =>
            `${where}: ${victim.externalId}'s gaps went from ${show(gapsBefore.map((g) => g.state))} to ${show(gapsAfter.map((g) => g.state))}`,
        );
        if (moved) {
          // Put it back, so each attempt starts from the seeded state.
          await rest(c)
            .put(`/v1/follow-ups/${fu}`, {
              interactionExternalId: before.interactionExternalId,
              channel: before.channel,
              sentAt: before.sentAt,
              purpose: before.purpose,
              ...(before.note ? { note: before.note } : {}),
            })
            .expect(200);
        }
      }
    }
    tally.expectClean();
    expect(tally.checks).toBeGreaterThanOrEqual(3 * 8);
  });
});
