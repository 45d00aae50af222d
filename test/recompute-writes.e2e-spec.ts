import pg from 'pg';
import { DataSource } from 'typeorm';
import { advisorBody, companyBody, contactBody, studentBody } from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/** A fixed clock: the same facts at the same instant plan the same rows. */
const clock = { current: new Date('2026-11-26T05:00:00Z'), now: () => new Date(clock.current) }; // 14:00 in Tokyo
const inHours = (h: number) => new Date(clock.current.getTime() + h * 3600_000).toISOString();

/** Statements that write (or lock with ON CONFLICT) the rows a recompute derives. */
const ENGINE_WRITE = /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(gaps|reminders|reminder_items)\b/i;

/** Each row's version (xmin) and locker (xmax): an UPDATE changes the first, a row lock the second. */
interface RowVersion {
  id: string;
  interaction: string;
  version: string;
}

describe('a recompute writes only what changed (real database, injected clock)', () => {
  let t: TestApp;
  let db: pg.Client;
  let center: TestCenter;
  /** Every statement the app sends while set: what its statement counter (db_statements_total) counts. */
  let recorded: string[] | null = null;

  beforeAll(async () => {
    // The api role runs no workers or sweeps: every statement seen comes from the request under test.
    t = await startTestApp({ clock, isolated: true, role: 'api' });
    db = new pg.Client({ connectionString: t.runtime.databaseUrl });
    await db.connect();
    const logger = t.app.get(DataSource).logger;
    const count = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, runner) => {
      recorded?.push(query);
      count(query, parameters, runner);
    };
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  // Three interactions days apart, so no reminder coalesces with or is spaced by another's.
  const interaction = (kind: string, occurredAt: string, notes = 'first meeting') => ({
    studentExternalId: 'stu-1',
    companyExternalId: 'cmp-1',
    kind,
    occurredAt,
    contactExternalIds: ['ct-1'],
    notes,
  });
  const int1 = interaction('NETWORKING', inHours(24));
  const int2 = interaction('INTERVIEW', inHours(72));
  const int3 = interaction('NETWORKING', inHours(120));

  beforeEach(async () => {
    center = await createCenter(t);
    await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/students/stu-1').set(center.auth).send(studentBody()).expect(201);
    await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
    await t.http.put('/v1/companies/cmp-1/contacts/ct-1').set(center.auth).send(contactBody).expect(201);
    for (const [id, body] of [
      ['int-1', int1],
      ['int-2', int2],
      ['int-3', int3],
    ] as const)
      await t.http.put(`/v1/interactions/${id}`).set(center.auth).send(body).expect(201);
  });

  /** Gaps, reminders and reminder items of the center, each with the interaction it belongs to. */
  const versions = async () => {
    const rows = async (sql: string) =>
      (await db.query<RowVersion>(sql, [center.id])).rows.sort((a, b) => (a.id < b.id ? -1 : 1));
    return {
      gaps: await rows(
        `SELECT g.id, i.external_id AS interaction, g.xmin::text || '/' || g.xmax::text AS version
         FROM gaps g JOIN interactions i ON i.id = g.interaction_id WHERE g.center_id = $1`,
      ),
      reminders: await rows(
        `SELECT r.id, string_agg(DISTINCT i.external_id, ',') AS interaction, r.xmin::text || '/' || r.xmax::text AS version
         FROM reminders r JOIN reminder_items ri ON ri.reminder_id = r.id JOIN gaps g ON g.id = ri.gap_id
         JOIN interactions i ON i.id = g.interaction_id WHERE r.center_id = $1 GROUP BY r.id`,
      ),
      items: await rows(
        `SELECT ri.reminder_id || ':' || ri.gap_id AS id, i.external_id AS interaction, ri.xmin::text || '/' || ri.xmax::text AS version
         FROM reminder_items ri JOIN gaps g ON g.id = ri.gap_id JOIN interactions i ON i.id = g.interaction_id
         WHERE g.center_id = $1`,
      ),
    };
  };
  /** The interactions whose rows were written or locked between two snapshots. */
  const touched = (before: RowVersion[], after: RowVersion[]) => {
    const previous = new Map(before.map((row) => [row.id, row.version]));
    return [
      ...new Set(after.filter((row) => previous.get(row.id) !== row.version).map((r) => r.interaction)),
    ].sort();
  };
  const recording = async (request: () => Promise<unknown>) => {
    recorded = [];
    try {
      await request();
      return recorded;
    } finally {
      recorded = null;
    }
  };

  it('an unchanged recompute sends no write statement and touches no row', async () => {
    const before = await versions();
    // Three thank-you gaps and int-2's first check-in, each with a reminder ahead.
    expect(before.gaps).toHaveLength(4);
    expect(before.reminders).toHaveLength(4);

    // Notes do not matter to the rules, but a changed interaction recomputes its student.
    const statements = await recording(() =>
      t.http
        .put('/v1/interactions/int-2')
        .set(center.auth)
        .send({ ...int2, notes: 'notes only' })
        .expect(200),
    );

    expect(statements.some((sql) => /FOR NO KEY UPDATE/.test(sql))).toBe(true); // the recompute ran
    expect(statements.filter((sql) => ENGINE_WRITE.test(sql))).toEqual([]);
    expect(await versions()).toEqual(before);
  });

  it("a changed interaction time rewrites only that interaction's gaps, reminders and items", async () => {
    const before = await versions();

    const statements = await recording(() =>
      t.http
        .put('/v1/interactions/int-2')
        .set(center.auth)
        .send({ ...int2, occurredAt: inHours(73) })
        .expect(200),
    );

    expect(statements.some((sql) => ENGINE_WRITE.test(sql))).toBe(true);
    const after = await versions();
    expect(touched(before.gaps, after.gaps)).toEqual(['int-2']);
    expect(touched(before.reminders, after.reminders)).toEqual(['int-2']);
    expect(touched(before.items, after.items)).toEqual(['int-2']);
    // Same rows (stable ids), rescheduled by the hour the interview moved.
    expect(after.reminders.map((r) => r.id)).toEqual(before.reminders.map((r) => r.id));
  });
});
