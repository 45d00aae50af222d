import pg from 'pg';
import {
  MISSING_FOLLOW_UPS_SQL,
  missingFollowUpsParams,
  TOTAL_COUNT_GAPS,
} from '../src/advisors-api/queries/missing-follow-ups.repository.js';
import { advisorBody, companyBody, studentBody } from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/**
 * What a page of studentsMissingFollowUps reads (issue 15.1), counted in PostgreSQL's own plan: the rows the
 * page's walk takes from gaps indexes, under every filter, in a center where 800 students have gaps the filter
 * rejects and 3 have gaps it keeps. A walk that skips rejected rows reads hundreds; a walk by gap class reads a
 * page's worth per class. Row counts, not times: the same on any machine.
 */
const START = new Date('2026-11-27T05:00:00Z');
const clock = { current: new Date(START), now: () => new Date(clock.current) };
const hoursAgo = (h: number) => new Date(clock.current.getTime() - h * 3600_000).toISOString();

const CROWD = 400;
const PAGE = 2;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Subplan Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** Rows read from gaps indexes (kept and filtered out) per CTE of the statement's plan. */
function gapRowsByCte(root: PlanNode): Record<string, number> {
  const totals: Record<string, number> = {};
  const visit = (node: PlanNode, cte: string) => {
    const name = node['Subplan Name']?.startsWith('CTE ') ? node['Subplan Name'].slice(4) : cte;
    if (node['Relation Name'] === 'gaps' && /Index/.test(node['Node Type']))
      totals[name] =
        (totals[name] ?? 0) +
        (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops'];
    for (const child of node.Plans ?? []) visit(child, name);
  };
  visit(root, 'main');
  return totals;
}

describe('a studentsMissingFollowUps page reads what the page holds, under every filter', () => {
  let t: TestApp;
  let center: TestCenter;
  let db: pg.Client;
  let advisorIds: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ clock, role: 'api', isolated: true });
    db = new pg.Client({ connectionString: t.runtime.databaseUrl });
    await db.connect();
    center = await createCenter(t);
    for (const id of ['adv-1', 'adv-2'])
      await t.http.put(`/v1/advisors/${id}`).set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
    const bulk = async (path: string, items: unknown[]) => {
      const response = await t.http.post(`/v1/${path}/bulk`).set(center.auth).send({ items }).expect(200);
      const results = (response.body as { results: { status: string }[] }).results;
      expect(results.filter((r) => r.status !== 'created')).toEqual([]);
    };
    // The crowds: adv-1's students of 2027 and adv-2's of 2028, one interview each that ended 60 h ago (an
    // OVERDUE thank-you, a check-in not open yet). The few: adv-1's students of 2028 with a career fair 5 h
    // ago (DUE), adv-2's of 2027 with an information session 30 h ago (LATE).
    const crowd = Array.from({ length: CROWD }, (_, i) => `crowd-${i}`);
    const otherCrowd = Array.from({ length: CROWD }, (_, i) => `other-crowd-${i}`);
    await bulk('students', [
      ...crowd.map((externalId) => ({ externalId, ...studentBody('adv-1'), graduationYear: 2027 })),
      ...otherCrowd.map((externalId) => ({ externalId, ...studentBody('adv-2'), graduationYear: 2028 })),
      ...['due-1', 'due-2', 'due-3'].map((externalId) => ({
        externalId,
        ...studentBody('adv-1'),
        graduationYear: 2028,
      })),
      ...['late-1', 'late-2', 'late-3'].map((externalId) => ({
        externalId,
        ...studentBody('adv-2'),
        graduationYear: 2027,
      })),
    ]);
    const interaction = (student: string, kind: string, hours: number) => ({
      externalId: `int-${student}`,
      studentExternalId: student,
      companyExternalId: 'cmp-1',
      kind,
      occurredAt: hoursAgo(hours + Number(/\d+$/.exec(student)![0]) / 100),
    });
    await bulk('interactions', [
      ...[...crowd, ...otherCrowd].map((s) => interaction(s, 'INTERVIEW', 60)),
      ...['due-1', 'due-2', 'due-3'].map((s) => interaction(s, 'CAREER_FAIR', 5)),
      ...['late-1', 'late-2', 'late-3'].map((s) => interaction(s, 'INFO_SESSION', 30)),
    ]);
    const { rows } = await db.query<{ external_id: string; id: string }>(
      `SELECT external_id, id FROM advisors WHERE center_id = $1`,
      [center.id],
    );
    advisorIds = Object.fromEntries(rows.map((r) => [r.external_id, r.id]));
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  /** The page's statement, exactly as the service runs it, under EXPLAIN ANALYZE (rolled back: it audits). */
  const reads = async (
    caseloadOf: string | null,
    filter: Record<string, unknown>,
  ): Promise<Record<string, number>> => {
    const audit = { centerId: center.id, actor: 'test', role: 'director' as const, requestId: null };
    const params = missingFollowUpsParams(
      { centerId: center.id, caseloadOf, audit },
      filter,
      PAGE,
      null,
      clock.now(),
    );
    await db.query('BEGIN');
    try {
      const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${MISSING_FOLLOW_UPS_SQL}`,
        params,
      );
      const page = (await db.query<{ page: unknown[] }>(MISSING_FOLLOW_UPS_SQL, params)).rows[0].page;
      return { ...gapRowsByCte(rows[0]['QUERY PLAN'][0].Plan), students: page.length };
    } finally {
      await db.query('ROLLBACK');
    }
  };

  it.each([
    ['no filter (check-ins not open yet are not walked either)', null, {}, 806],
    ['kinds', null, { kinds: ['CAREER_FAIR'] }, 3],
    ['kinds, none match', null, { kinds: ['OTHER'] }, 0],
    ['DUE', null, { urgency: ['DUE'] }, 3],
    ['LATE', null, { urgency: ['LATE'] }, 3],
    ['DUE and LATE', null, { urgency: ['DUE', 'LATE'] }, 6],
    ['a graduation year within a caseload (advisor)', 'adv-1', { graduationYear: 2028 }, 3],
    [
      'a graduation year and advisorExternalId (director)',
      null,
      { advisorExternalId: 'adv-1', graduationYear: 2028 },
      3,
    ],
    ['kinds and urgency (advisor)', 'adv-2', { kinds: ['INFO_SESSION', 'INTERVIEW'], urgency: ['LATE'] }, 3],
  ])('%s', async (_name, advisor, filter, matching) => {
    const got = await reads(advisor ? advisorIds[advisor] : null, filter);
    expect(got.students).toBe(Math.min(matching, PAGE + 1));
    // The walk: at most a page and one per class and urgency walked (a handful of classes here), and the
    // loose scan that finds the classes; not the crowd.
    expect(got.page ?? 0).toBeLessThanOrEqual(40);
    expect(got.classes ?? 0).toBeLessThanOrEqual(12);
    // totalCount reads the matching gaps only (at most TOTAL_COUNT_GAPS + 1). EXPLAIN reports rows per loop
    // rounded, one loop per class range: hence the slack of a few rows.
    expect(got.counted ?? 0).toBeLessThanOrEqual(Math.min(matching, TOTAL_COUNT_GAPS + 1) + 12);
  });

  it('the crowd itself is read only as far as the page and the count go', async () => {
    const got = await reads(null, { urgency: ['OVERDUE'] });
    expect(got.students).toBe(PAGE + 1);
    expect(got.page ?? 0).toBeLessThanOrEqual(40);
    expect(got.counted).toBe(2 * CROWD); // all match, all counted: the count is exact below its bound
  });
});
