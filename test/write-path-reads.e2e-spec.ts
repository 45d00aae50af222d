import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { GapsService } from '../src/follow-ups/gaps.service.js';
import {
  UPSERT_INTERACTIONS,
  upsertInteractionsParams,
} from '../src/interactions/interactions.repository.js';
import type { ReminderScheduler } from '../src/jobs/reminder-scheduler.js';
import { advisorBody, companyBody, studentBody } from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/**
 * What the portal's write path reads besides the rows it writes, counted in PostgreSQL's own plan: a batch's
 * statements must cost what the batch holds, not what the center (or the database) holds. The center's
 * statistics are taken before its 2,000 interactions exist and autovacuum is off for the table, as on a center
 * that has just been loaded: the planner then believes the center is empty, which is when a statement that
 * leaves the planner a choice scans the whole center. Row counts, not times: the same on any machine.
 */
const STUDENTS = 200;
const PER_STUDENT = 10;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** Rows each table's scans read (kept and filtered out), the written table's Insert node aside. */
function rowsReadByTable(root: PlanNode): Record<string, number> {
  const totals: Record<string, number> = {};
  const visit = (node: PlanNode) => {
    const table = node['Relation Name'];
    if (table && /Scan/.test(node['Node Type']))
      totals[table] =
        (totals[table] ?? 0) +
        (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops'];
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(root);
  return totals;
}

describe("the portal's write path reads what the batch holds, not the center", () => {
  let t: TestApp;
  let center: TestCenter;
  let db: pg.Client;
  let studentId: string;
  let companyId: string;

  beforeAll(async () => {
    t = await startTestApp({ role: 'api', isolated: true });
    db = new pg.Client({ connectionString: t.runtime.databaseUrl });
    await db.connect();
    center = await createCenter(t);
    await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
    const students = Array.from({ length: STUDENTS }, (_, i) => ({
      externalId: `stu-${i}`,
      ...studentBody('adv-1'),
      graduationYear: 2027,
    }));
    await t.http.post('/v1/students/bulk').set(center.auth).send({ items: students }).expect(200);
    await db.query('ALTER TABLE interactions SET (autovacuum_enabled = false)');
    await db.query('ALTER TABLE gaps SET (autovacuum_enabled = false)');
    await db.query('ANALYZE');
    const interactions = Array.from({ length: STUDENTS * PER_STUDENT }, (_, i) => ({
      externalId: `int-${i}`,
      studentExternalId: `stu-${i % STUDENTS}`,
      companyExternalId: 'cmp-1',
      kind: 'INTERVIEW',
      occurredAt: new Date(Date.now() - (i + 1) * 3_600_000).toISOString(),
    }));
    for (let i = 0; i < interactions.length; i += 1000)
      await t.http
        .post('/v1/interactions/bulk')
        .set(center.auth)
        .send({ items: interactions.slice(i, i + 1000) })
        .expect(200);
    const { rows } = await db.query<{ student: string; company: string }>(
      `SELECT (SELECT id FROM students WHERE center_id = $1 AND external_id = 'stu-7') AS student,
              (SELECT id FROM companies WHERE center_id = $1 AND external_id = 'cmp-1') AS company`,
      [center.id],
    );
    [studentId, companyId] = [rows[0].student, rows[0].company];
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  /** Runs `work` in a transaction that is rolled back. */
  const rolledBack = async <T>(work: () => Promise<T>): Promise<T> => {
    await db.query('BEGIN');
    try {
      return await work();
    } finally {
      await db.query('ROLLBACK');
    }
  };

  it('an interaction batch finds the rows it replaces by their external ids', async () => {
    const item = (externalId: string) => ({
      externalId,
      studentExternalId: 'stu-7',
      companyExternalId: 'cmp-1',
      kind: 'INTERVIEW' as const,
      occurredAt: new Date().toISOString(),
    });
    const reads = await rolledBack(async () => {
      const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${UPSERT_INTERACTIONS}`,
        upsertInteractionsParams(center.id, [
          { item: item('int-7'), studentId, companyId, contactIds: [] },
          { item: item('int-new'), studentId, companyId, contactIds: [] },
        ]),
      );
      return rowsReadByTable(rows[0]['QUERY PLAN'][0].Plan);
    });
    // One existing row; a scan of the center's interactions read all 2,000.
    expect(reads.interactions ?? 0).toBeLessThanOrEqual(2);
  });

  it("the recompute's new gaps bring their copies of student and interaction, probing only each gap's interaction", async () => {
    const plans: PlanNode[] = [];
    const copies = await rolledBack(async () => {
      const [interaction] = (
        await db.query<{ id: string }>(
          `INSERT INTO interactions (center_id, external_id, student_id, company_id, kind, occurred_at, ended_at)
           VALUES ($1, 'int-written-directly', $2, $3, 'CAREER_FAIR', now() - interval '3 hours', now() - interval '2 hours')
           RETURNING id`,
          [center.id, studentId, companyId],
        )
      ).rows;
      // The recompute's own statements, except that the gaps insert runs under EXPLAIN ANALYZE (it still writes).
      const manager = {
        query: async (sql: string, params?: unknown[]) => {
          if (!/^\s*INSERT INTO gaps/.test(sql)) return (await db.query(sql, params)).rows;
          const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
            `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
            params,
          );
          plans.push(rows[0]['QUERY PLAN'][0].Plan);
          return [];
        },
      } as unknown as EntityManager;
      const gaps = new GapsService({ now: () => new Date() }, {
        scheduleReminders: async () => {},
      } as unknown as ReminderScheduler);
      await gaps.recomputeStudents(manager, center.id, [studentId]);
      return (
        await db.query(
          `SELECT g.purpose, g.advisor_id = s.advisor_id AS advisor, g.graduation_year, g.kind,
                  g.interaction_ended_at = i.ended_at AS ended
           FROM gaps g JOIN students s ON s.id = g.student_id JOIN interactions i ON i.id = g.interaction_id
           WHERE g.interaction_id = $1`,
          [interaction.id],
        )
      ).rows;
    });
    expect(plans).toHaveLength(1);
    // One new gap (a career fair asks for a thank-you, no check-in), one probe of its interaction.
    expect(rowsReadByTable(plans[0])).toEqual({ interactions: 1 });
    expect(copies).toEqual([
      { purpose: 'THANK_YOU', advisor: true, graduation_year: 2027, kind: 'CAREER_FAIR', ended: true },
    ]);
  });
});
