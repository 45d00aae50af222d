import pg from 'pg';
import { advisorBody, companyBody, studentBody } from './helpers/fixtures.js';
import { advisorToken, graphql } from './helpers/advisor-graphql.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/**
 * followUpStats reads figures that triggers keep with the data (interaction_figures, gaps'
 * interaction_ended_at: migration InteractionFigures). This holds them to the statement that computed the
 * same figures from the rows themselves before, kept here as the oracle, after every kind of write that can
 * change them: new interactions and follow-ups, a student's new advisor, an interaction's new time and kind,
 * an earlier and an edited thank-you, a dismissed gap, a deleted interaction, an erased student.
 */
const START = new Date('2026-11-27T05:00:00Z');
const clock = { current: new Date(START), now: () => new Date(clock.current) };
const hoursAgo = (h: number) => new Date(clock.current.getTime() - h * 3600_000).toISOString();
const FROM = hoursAgo(24 * 10);
const TO = hoursAgo(-1);

const KINDS = ['INTERVIEW', 'INFO_SESSION', 'CAREER_FAIR', 'NETWORKING', 'OTHER'];

/** The figures computed from the rows (the statement before InteractionFigures), total and per advisor. */
const ORACLE = `
WITH per_interaction AS (
  SELECT i.kind, s.advisor_id, coalesce(i.ended_at, i.occurred_at) AS ended,
         EXISTS (SELECT 1 FROM gaps g WHERE g.interaction_id = i.id AND g.purpose = 'THANK_YOU' AND g.state <> 'CLOSED') AS tyg,
         (SELECT min(f.sent_at) FROM follow_ups f WHERE f.interaction_id = i.id AND f.purpose = 'THANK_YOU' AND f.deleted_at IS NULL) AS first_ty,
         (SELECT count(*) FROM gaps g WHERE g.interaction_id = i.id AND g.state = 'OPEN' AND g.opens_at <= $4) AS open_gaps,
         (SELECT count(*) FROM gaps g WHERE g.interaction_id = i.id AND g.state = 'OPEN' AND g.overdue_at <= $4) AS overdue_gaps
  FROM interactions i JOIN students s ON s.id = i.student_id
  WHERE i.center_id = $1 AND i.deleted_at IS NULL
    AND coalesce(i.ended_at, i.occurred_at) >= $2 AND coalesce(i.ended_at, i.occurred_at) < $3
)
SELECT a.external_id AS advisor, GROUPING(p.advisor_id) = 1 AS total,
       ${KINDS.map((k) => `count(*) FILTER (WHERE kind = '${k}')::int AS "${k}"`).join(', ')},
       count(*) FILTER (WHERE tyg)::int AS "thankYouGaps",
       count(*) FILTER (WHERE tyg AND first_ty <= ended + interval '24 hours')::int AS within24,
       count(*) FILTER (WHERE tyg AND first_ty <= ended + interval '48 hours')::int AS within48,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(extract(epoch FROM first_ty - ended) / 3600, 0))
         FILTER (WHERE tyg AND first_ty IS NOT NULL) AS median,
       coalesce(sum(open_gaps), 0)::int AS "openGaps", coalesce(sum(overdue_gaps), 0)::int AS "overdueGaps"
FROM per_interaction p LEFT JOIN advisors a ON a.id = p.advisor_id
GROUP BY GROUPING SETS ((), (p.advisor_id, a.external_id))`;

const QUERY = `query($from: DateTime!, $to: DateTime!) { followUpStats(filter: { from: $from, to: $to }) {
  interactionsByKind { kind count } thankYouGaps thankYouWithin24h thankYouWithin48h medianHoursToThankYou
  openGaps overdueGaps
  perAdvisor(first: 10) { advisor { externalId } interactionsByKind { kind count } thankYouGaps thankYouWithin24h
                          thankYouWithin48h medianHoursToThankYou openGaps overdueGaps } } }`;

interface Figures {
  interactionsByKind: { kind: string; count: number }[];
  thankYouGaps: number;
  thankYouWithin24h: number | null;
  thankYouWithin48h: number | null;
  medianHoursToThankYou: number | null;
  openGaps: number;
  overdueGaps: number;
}
type OracleRow = Record<string, number | string | boolean | null>;

const round = (n: number | null) => (n === null ? null : Math.round(n * 1e6) / 1e6);
const fromOracle = (row: OracleRow | undefined): Figures => {
  const tyg = Number(row?.thankYouGaps ?? 0);
  return {
    interactionsByKind: KINDS.map((kind) => ({ kind, count: Number(row?.[kind] ?? 0) })),
    thankYouGaps: tyg,
    thankYouWithin24h: tyg ? round(Number(row!.within24) / tyg) : null,
    thankYouWithin48h: tyg ? round(Number(row!.within48) / tyg) : null,
    medianHoursToThankYou: row?.median == null ? null : round(Number(row.median)),
    openGaps: Number(row?.openGaps ?? 0),
    overdueGaps: Number(row?.overdueGaps ?? 0),
  };
};
const rounded = (f: Figures): Figures => ({
  ...f,
  thankYouWithin24h: round(f.thankYouWithin24h),
  thankYouWithin48h: round(f.thankYouWithin48h),
  medianHoursToThankYou: round(f.medianHoursToThankYou),
});

describe('followUpStats figures kept with the data equal the figures computed from the rows', () => {
  let t: TestApp;
  let center: TestCenter;
  let db: pg.Client;

  beforeAll(async () => {
    t = await startTestApp({ clock, role: 'api', isolated: true });
    db = new pg.Client({ connectionString: t.runtime.databaseUrl });
    await db.connect();
    center = await createCenter(t);
    for (const id of ['adv-1', 'adv-2', 'adv-3'])
      await t.http.put(`/v1/advisors/${id}`).set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  const student = (id: string, advisorId: string) =>
    t.http.put(`/v1/students/${id}`).set(center.auth).send(studentBody(advisorId));
  const interaction = (id: string, studentId: string, occurredAt: string, kind = 'INTERVIEW') =>
    t.http
      .put(`/v1/interactions/${id}`)
      .set(center.auth)
      .send({ studentExternalId: studentId, companyExternalId: 'cmp-1', kind, occurredAt });
  const followUp = (id: string, interactionId: string, sentAt: string, purpose = 'THANK_YOU') =>
    t.http
      .put(`/v1/follow-ups/${id}`)
      .set(center.auth)
      .send({ interactionExternalId: interactionId, channel: 'EMAIL', sentAt, purpose });

  /** The service's answer (director, and adv-1's own) against the oracle's, field by field. */
  const expectFiguresAsComputed = async (step: string) => {
    const { rows } = await db.query<OracleRow>(ORACLE, [center.id, FROM, TO, clock.now()]);
    const director = (await graphql(t, center.apiKey, QUERY, { from: FROM, to: TO })).data.followUpStats;
    const { perAdvisor, ...total } = director as Figures & {
      perAdvisor: (Figures & { advisor: { externalId: string } })[];
    };
    expect({ step, total: rounded(total) }).toEqual({ step, total: fromOracle(rows.find((r) => r.total)) });
    const perAdvisorGot = Object.fromEntries(
      perAdvisor.map(({ advisor, ...f }) => [advisor.externalId, rounded(f)]),
    );
    const perAdvisorWant = Object.fromEntries(
      rows.filter((r) => !r.total && r.advisor !== null).map((r) => [r.advisor as string, fromOracle(r)]),
    );
    expect({ step, perAdvisor: perAdvisorGot }).toEqual({ step, perAdvisor: perAdvisorWant });
    const own = (
      await graphql(t, await advisorToken(t, { sub: 'adv-1', center: center.id, role: 'advisor' }), QUERY, {
        from: FROM,
        to: TO,
      })
    ).data.followUpStats as Figures & { perAdvisor: unknown[] };
    const { perAdvisor: none, ...ownTotal } = own;
    expect(none).toEqual([]);
    expect({ step, own: rounded(ownTotal) }).toEqual({
      step,
      own: perAdvisorWant['adv-1'] ?? fromOracle(undefined),
    });
  };

  it('after every kind of write', async () => {
    for (const [id, advisor] of [
      ['stu-1', 'adv-1'],
      ['stu-2', 'adv-1'],
      ['stu-3', 'adv-2'],
      ['stu-4', 'adv-3'],
    ])
      await student(id, advisor).expect(201);
    await interaction('int-1', 'stu-1', hoursAgo(80)).expect(201);
    await interaction('int-2', 'stu-1', hoursAgo(60), 'INFO_SESSION').expect(201);
    await interaction('int-3', 'stu-2', hoursAgo(30), 'CAREER_FAIR').expect(201);
    await interaction('int-4', 'stu-3', hoursAgo(100), 'NETWORKING').expect(201);
    await interaction('int-5', 'stu-4', hoursAgo(5), 'OTHER').expect(201);
    await interaction('int-old', 'stu-3', hoursAgo(24 * 20)).expect(201); // before the range
    await followUp('fu-1', 'int-1', hoursAgo(70)).expect(201); // 10 h after
    await followUp('fu-2', 'int-2', hoursAgo(25)).expect(201); // 35 h after
    await followUp('fu-3', 'int-4', hoursAgo(40), 'CHECK_IN').expect(201); // not a thank-you
    await expectFiguresAsComputed('seeded');

    await student('stu-2', 'adv-2').expect(200);
    await expectFiguresAsComputed('a student moves to another advisor');

    await interaction('int-old', 'stu-3', hoursAgo(50)).expect(200);
    await interaction('int-1', 'stu-1', hoursAgo(80), 'OTHER').expect(200); // its thank-you gap closes
    await expectFiguresAsComputed('an interaction moves into the range, one changes kind');

    await followUp('fu-0', 'int-2', hoursAgo(58)).expect(201); // an earlier thank-you: the first now
    await expectFiguresAsComputed('an earlier thank-you');
    await followUp('fu-0', 'int-2', hoursAgo(10)).expect(200); // edited: fu-2 is the first again
    await expectFiguresAsComputed('a thank-you edited to later');

    const gapId = (await t.http.get('/v1/students/stu-3/gaps').set(center.auth).expect(200)).body.items.find(
      (g: { purpose: string; state: string }) => g.purpose === 'THANK_YOU' && g.state === 'OPEN',
    ).id as string;
    const dismissed = await graphql(
      t,
      center.apiKey,
      `
        mutation ($id: ID!) {
          dismissGap(id: $id, reason: "済み") {
            state
          }
        }
      `,
      { id: gapId },
    );
    expect(dismissed.data.dismissGap.state).toBe('DISMISSED');
    await expectFiguresAsComputed('a gap dismissed');

    clock.current = new Date(START.getTime() + 30 * 3600_000); // gaps turn overdue with the clock alone
    await expectFiguresAsComputed('later');

    await t.http.delete('/v1/interactions/int-3').set(center.auth).expect(204);
    await expectFiguresAsComputed('an interaction deleted');
    await t.http.delete('/v1/students/stu-1').set(center.auth).expect(204);
    await expectFiguresAsComputed('a student erased');
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM interaction_figures f JOIN interactions i ON i.id = f.interaction_id WHERE i.deleted_at IS NOT NULL`,
    );
    expect(rows[0].n).toBe(0);
  });
});
