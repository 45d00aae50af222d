import { graphql } from '../helpers/advisor-graphql.js';
import { auditQuery, BATCH } from '../helpers/advisor-authorization-documents.js';
import {
  authorizationOracle,
  chunks,
  sameSet,
  show,
  Tally,
  type AuthorizationOracle,
} from '../helpers/advisor-authorization-oracle.js';
import { seedAuthorizationWorld, type AuthorizationWorld } from '../helpers/advisor-authorization-seed.js';

/**
 * The authorization matrix (test/helpers/advisor-authorization-seed.ts) over auditLog. The log is written by
 * the viewers' reads, so every viewer first makes the reads of the other specs (studentsMissingFollowUps
 * walks and student reads, checked as there), and the log is read while and after they are made.
 */
describe('advisor API authorization: auditLog (2 centers × 3 advisors and a director, through HTTP)', () => {
  let world: AuthorizationWorld;
  let o: AuthorizationOracle;
  beforeAll(async () => {
    world = await seedAuthorizationWorld();
    o = authorizationOracle(world);
  });
  afterAll(() => world?.close());

  it("advisors are refused the audit log; a director's holds its own center's rows only, every read of a student under its reader", async () => {
    const { t, viewers } = world;
    /** The reads that write the log. */
    const reads = new Tally();
    const tally = new Tally();

    await Promise.all(
      viewers.map(async (v) => {
        await o.walkEveryFilter(reads, v);
        await o.readEveryStudent(reads, v);

        // Advisors are refused, whatever they ask for (one request each: a refused field nulls the whole
        // response, so aliases would hide all refusals but the first).
        if (v.role === 'advisor') {
          const mine = o.live(v.center).find((s) => o.visible(v, s))!.externalId;
          const colleague = o.live(v.center).find((s) => !o.visible(v, s))!.externalId;
          const foreign = o.live(v.center === 'A' ? 'B' : 'A')[0].externalId;
          for (const studentExternalId of [null, mine, colleague, foreign, 'no-such-student']) {
            const response = await graphql(t, v.token, auditQuery(1, 5), { s0: studentExternalId });
            tally.check(
              response.status === 200 &&
                response.errors?.length === 1 &&
                response.errors[0].extensions?.code === 'FORBIDDEN' &&
                !response.data,
              () =>
                `${v.label} auditLog(${studentExternalId}): expected FORBIDDEN, got ${JSON.stringify(response.data ?? response.errors)}`,
            );
          }
          return;
        }
        // Directors: the whole log and each student's rows (both centers') hold their own center's rows only.
        for (const batch of chunks([null, ...o.allStudentIds()], BATCH.audit)) {
          const variables = Object.fromEntries(batch.map((id, i) => [`s${i}`, id]));
          const response = await graphql(t, v.token, auditQuery(batch.length, 5), variables);
          if (!o.ok(tally, `${v.label} auditLog(${batch.join(', ')})`, response)) continue;
          batch.forEach((studentExternalId, i) =>
            o.checkAuditRows(
              tally,
              `${v.label} auditLog(${studentExternalId})`,
              v,
              response.data[`x${i}`].entries,
              studentExternalId,
            ),
          );
        }
      }),
    );
    await o.walkFromForeignCursor(reads);

    // The whole audit log of each center, as each director sees it: only its center's rows; every read a
    // viewer made of a student is there under its name, and no refused read is.
    for (const key of ['A', 'B'] as const) {
      for (const dir of viewers.filter((v) => v.center === key && v.role === 'director')) {
        const entries = await o.walkAudit(tally, dir);
        o.checkAuditRows(tally, `${dir.label} auditLog (all pages)`, dir, entries, null);
        tally.check(entries.length > 100, () => `${dir.label} auditLog: only ${entries.length} rows`);
        for (const s of o.live(key)) {
          const readers = new Set(
            entries
              .filter((e) => e.studentExternalId === s.externalId && e.operation === 'graphql:student')
              .map((e) => `${e.actor}|${e.role}`),
          );
          const expectedReaders = viewers.filter((v) => o.visible(v, s)).map((v) => `${v.actor}|${v.role}`);
          tally.check(
            sameSet(readers, expectedReaders),
            () =>
              `${dir.label} audit of ${s.externalId}: readers ${show(readers)}, expected ${show(expectedReaders)}`,
          );
        }
      }
    }

    reads.expectClean();
    tally.expectClean();
    expect(tally.checks).toBeGreaterThan(200);
    console.log(
      `authorization matrix (auditLog): ${tally.checks} checks, ${tally.violations.length} violations (and ${reads.checks} checks of the reads that wrote the log)`,
    );
  });
});
