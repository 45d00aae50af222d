/**
 * npm run bench:ingest — how fast the portal can bulk-upsert interactions through the HTTP API, as ratios to
 * two baselines measured in the same run:
 *   - COPY of every row the API insert pass stored (students, companies, interactions, gaps, reminders,
 *     reminder items), read back and written into empty copies of their tables with the same indexes (the
 *     ceiling), timed as interactions per second, and
 *   - the very statements the service issues (reference look-ups, the upsert and the follow-up recompute,
 *     in one transaction per batch), sent directly over `pg` with the same concurrency on the same tables: no
 *     HTTP, validation or framework.
 * Three API passes: into empty tables, with every row changed, and re-sending unchanged rows (which must
 * rewrite no row of any of those tables). Then one 1000-item batch of unchanged rows at a time, API and direct
 * SQL alternately (the latency of a re-send), and the CPU time of validating one item, compiled check vs
 * class-validator, in this process. The last line of output is one JSON object with every figure and a
 * `targets` object of `{ value, limit, met }`. BENCH_ROWS (default 100000) scales it down for a quick look.
 */
import pg from 'pg';
import { systemClock } from '../src/common/clock.js';
import { resolveExternalIds } from '../src/database/sql.js';
import { GapsService } from '../src/follow-ups/gaps.service.js';
import type { ReminderScheduler } from '../src/jobs/reminder-scheduler.js';
import { migrateDatabase } from '../src/database/migrate.js';
import {
  UPSERT_INTERACTIONS,
  upsertInteractionsParams,
  type ResolvedInteraction,
} from '../src/interactions/interactions.repository.js';
import { InteractionBulkItem } from '../src/interactions/interaction.dto.js';
import { validateItem, validateItemFully } from '../src/common/bulk.js';
import { createRootLogger } from '../src/logging/logger.js';
import type { EntityManager } from 'typeorm';
import { createBenchDatabase } from './bench-database.js';
import { checkpoint, copyIntoEmptyCopies, readRows, type CopiedRows } from './copy-tables.js';
import { startBenchServer, type BenchServer } from './bench-server.js';
import { Progress, step } from './progress.js';
import { alternate, httpPoster, round2, type Timing } from './bench-timing.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const BATCH = 1000;
const CLIENTS = 4;
const STUDENTS = Math.max(1, Math.floor(ROWS / 10));
const COMPANIES = Math.min(1000, STUDENTS);
const KINDS = ['INTERVIEW', 'INFO_SESSION', 'CAREER_FAIR', 'NETWORKING', 'OTHER'] as const;
/** Every table an API insert pass stores rows in, with the SQL (over the table as `t`) that picks a center's. */
const STORED = {
  students: (centerId: string) => `t.center_id = '${centerId}'`,
  companies: (centerId: string) => `t.center_id = '${centerId}'`,
  interactions: (centerId: string) => `t.center_id = '${centerId}'`,
  gaps: (centerId: string) => `t.center_id = '${centerId}'`,
  reminders: (centerId: string) => `t.center_id = '${centerId}'`,
  reminder_items: (centerId: string) =>
    `EXISTS (SELECT 1 FROM reminders r WHERE r.id = t.reminder_id AND r.center_id = '${centerId}')`,
} as const;
type StoredTable = keyof typeof STORED;

type Phase = 'insert' | 'update' | 'unchanged';

function interactions(changed: boolean): InteractionBulkItem[] {
  const base = Date.UTC(2026, 3, 1, 1, 0, 0);
  return Array.from({ length: ROWS }, (_, i) => {
    const start = new Date(base + i * 60_000);
    return {
      externalId: `int-${String(i).padStart(7, '0')}`,
      studentExternalId: `stu-${i % STUDENTS}`,
      companyExternalId: `cmp-${i % COMPANIES}`,
      kind: KINDS[i % KINDS.length],
      occurredAt: start.toISOString().replace('Z', '+00:00'),
      endedAt: new Date(start.getTime() + 3_600_000).toISOString(),
      notes: `事業内容と選考の流れについて伺った #${i}${changed ? '（追記あり）' : ''}`,
      outcome: changed ? 'PASSED' : 'PENDING',
    };
  });
}

const batches = <T>(items: T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / BATCH) }, (_, b) => items.slice(b * BATCH, (b + 1) * BATCH));

/**
 * Runs `work` over the batches with CLIENTS concurrent workers, after a checkpoint (so one forced by the
 * previous pass's writes does not land in this one); returns rows/s and each batch's latency.
 */
async function drive<T>(pool: pg.Pool, label: string, all: T[][], work: (batch: T[]) => Promise<void>) {
  await checkpointOn(pool);
  const progress = new Progress(label, all.length);
  const latencies: number[] = [];
  let next = 0;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < all.length) {
        const batch = all[next++];
        const t0 = performance.now();
        await work(batch);
        latencies.push(performance.now() - t0);
        progress.update(++done);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rowsPerSecond: Math.round(all.reduce((n, b) => n + b.length, 0) / seconds),
    p95Ms: Math.round(latencies[Math.ceil(latencies.length * 0.95) - 1]),
  };
}

async function api(
  server: BenchServer,
  apiKey: string,
  path: string,
  body: unknown,
): Promise<{ results: { status: string }[] }> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { results: { status: string }[] };
}

async function createCenter(server: BenchServer, name: string): Promise<{ id: string; apiKey: string }> {
  const response = await fetch(`${server.baseUrl}/v1/centers`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.adminKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, timezone: 'Asia/Tokyo' }),
  });
  return (await response.json()) as { id: string; apiKey: string };
}

/** Advisors, students and companies the interactions refer to, loaded through the API (not timed). */
async function seedDirectory(server: BenchServer, apiKey: string): Promise<void> {
  const advisors = Array.from({ length: 100 }, (_, i) => ({
    externalId: `adv-${i}`,
    name: `相談員${i}`,
    email: `adv${i}@example.ac.jp`,
    timezone: 'Asia/Tokyo',
  }));
  await api(server, apiKey, '/v1/advisors/bulk', { items: advisors });
  const students = Array.from({ length: STUDENTS }, (_, i) => ({
    externalId: `stu-${i}`,
    name: `学生${i}`,
    email: `s${i}@student.example.ac.jp`,
    locale: i % 2 ? 'en' : 'ja',
    timezone: 'Asia/Tokyo',
    advisorExternalId: `adv-${i % 100}`,
  }));
  for (const batch of batches(students)) await api(server, apiKey, '/v1/students/bulk', { items: batch });
  const companies = Array.from({ length: COMPANIES }, (_, i) => ({
    externalId: `cmp-${i}`,
    name: `株式会社サンプル${i}`,
  }));
  for (const batch of batches(companies)) await api(server, apiKey, '/v1/companies/bulk', { items: batch });
}

async function main(): Promise<void> {
  step(`bench:ingest — ${ROWS} interactions, batches of ${BATCH}, ${CLIENTS} concurrent clients`);
  const database = await createBenchDatabase();
  await migrateDatabase(database.url, createRootLogger('warn'));
  const server = await startBenchServer(database.url);
  const pool = new pg.Pool({ connectionString: database.url, max: CLIENTS });
  try {
    const [viaApi, direct] = await Promise.all(
      ['API', 'direct SQL'].map((name) => createCenter(server, `bench ${name}`)),
    );
    step('loading advisors, students and companies for each center (not timed)');
    for (const center of [viaApi, direct]) await seedDirectory(server, center.apiKey);

    const fresh = interactions(false);
    const changed = interactions(true);
    const results: Record<string, Record<Phase, { rowsPerSecond: number; p95Ms: number }>> = {
      api: {} as never,
      direct: {} as never,
    };

    const viaHttp = (phase: Phase, expected: string) => async (batch: InteractionBulkItem[]) => {
      const { results: items } = await api(server, viaApi.apiKey, '/v1/interactions/bulk', { items: batch });
      const wrong = items.find((r) => r.status !== expected);
      if (wrong) throw new Error(`${phase}: expected every item ${expected}, got ${JSON.stringify(wrong)}`);
    };
    // The follow-up engine's recompute is part of what the service does per batch, so the baseline runs it too.
    const gaps = new GapsService(systemClock, {
      scheduleReminders: async () => {},
    } as unknown as ReminderScheduler);
    const viaSql = async (batch: InteractionBulkItem[]) => {
      const client = await pool.connect();
      const manager = {
        query: (sql: string, params: unknown[]) =>
          client.query<Record<string, unknown>>(sql, params).then((r) => r.rows),
      } as unknown as EntityManager;
      try {
        await client.query('BEGIN');
        const students = await resolveExternalIds(
          manager,
          'students',
          direct.id,
          batch.map((i) => i.studentExternalId),
        );
        const companies = await resolveExternalIds(
          manager,
          'companies',
          direct.id,
          batch.map((i) => i.companyExternalId),
        );
        const rows: ResolvedInteraction[] = batch
          .map((item) => ({
            item,
            studentId: students.get(item.studentExternalId)!,
            companyId: companies.get(item.companyExternalId)!,
            contactIds: [],
          }))
          .sort((a, b) => (a.item.externalId < b.item.externalId ? -1 : 1));
        const written = await client.query<{ student_id: string; previous_student_id: string | null }>(
          UPSERT_INTERACTIONS,
          upsertInteractionsParams(direct.id, rows),
        );
        const affected = new Set(
          written.rows.flatMap((r) =>
            r.previous_student_id ? [r.student_id, r.previous_student_id] : [r.student_id],
          ),
        );
        await gaps.recomputeStudents(manager, direct.id, [...affected]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    };

    results.api.insert = await drive(pool, 'API, empty tables', batches(fresh), viaHttp('insert', 'created'));
    const stored = await readStoredRows(pool, viaApi.id);
    results.direct.insert = await drive(pool, 'direct SQL, empty tables', batches(fresh), viaSql);
    const copy = await copyAll(pool, stored);
    results.api.update = await drive(
      pool,
      'API, every row changed',
      batches(changed),
      viaHttp('update', 'updated'),
    );
    results.direct.update = await drive(pool, 'direct SQL, every row changed', batches(changed), viaSql);
    const before = await rowVersions(pool, viaApi.id);
    results.api.unchanged = await drive(
      pool,
      'API, unchanged rows',
      batches(changed),
      viaHttp('unchanged', 'unchanged'),
    );
    const rewritten = await rowsRewrittenSince(pool, viaApi.id, before);
    results.direct.unchanged = await drive(pool, 'direct SQL, unchanged rows', batches(changed), viaSql);

    const resend = await resendOneBatch(server, viaApi.apiKey, batches(changed), viaSql);
    const validation = validationMicrosPerItem(changed);

    const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
    const target = (value: number, limit: number, atMost = false) => ({
      value,
      limit,
      met: atMost ? value <= limit : value >= limit,
    });
    const apiVsDirectSql = {
      insert: ratio(results.api.insert.rowsPerSecond, results.direct.insert.rowsPerSecond),
      update: ratio(results.api.update.rowsPerSecond, results.direct.update.rowsPerSecond),
      unchanged: ratio(results.api.unchanged.rowsPerSecond, results.direct.unchanged.rowsPerSecond),
    };
    const apiInsertVsCopyAll = ratio(results.api.insert.rowsPerSecond, copy.interactionsPerSecond);
    const report = {
      rows: ROWS,
      batch: BATCH,
      clients: CLIENTS,
      copyAll: copy,
      api: results.api,
      directSql: results.direct,
      resendUnchanged: resend,
      validationMicrosPerItem: validation,
      ratios: {
        apiInsertVsCopyAll,
        apiVsDirectSql,
        resendUnchangedVsSql: ratio(resend.directSql.p50Ms, resend.api.p50Ms),
      },
      unchangedRowsRewritten: rewritten.total,
      unchangedRowsRewrittenByTable: rewritten.byTable,
      targets: {
        // Interactions/s of the API insert pass ÷ interactions / seconds to COPY every row that pass stored.
        apiInsertVsCopyAll: target(apiInsertVsCopyAll, 0.35),
        apiVsDirectSqlInsert: target(apiVsDirectSql.insert, 0.8),
        apiVsDirectSqlUnchanged: target(apiVsDirectSql.unchanged, 0.5),
        // Row versions changed by the API unchanged pass, in any table an insert pass stores rows in.
        unchangedRowsRewritten: target(rewritten.total, 0, true),
      },
    };
    printTable(report);
    console.log(JSON.stringify(report));
  } finally {
    await pool.end();
    await server.stop();
    await database.drop();
  }
}

/**
 * Re-sending one 1000-item batch of unchanged interactions, one request at a time: through the API (on one
 * kept-alive connection, the body serialized beforehand) and through the same statements sent directly,
 * alternately, so both see the same background load. p50 of each; the ratio SQL / API says how much of a
 * re-send is its SQL.
 */
async function resendOneBatch(
  server: BenchServer,
  apiKey: string,
  all: InteractionBulkItem[][],
  viaSql: (batch: InteractionBulkItem[]) => Promise<void>,
): Promise<{ iterations: number; api: Timing; directSql: Timing }> {
  const iterations = Math.max(20, Math.min(50, all.length));
  const bodies = all.map((batch) => JSON.stringify({ items: batch }));
  const { post, close } = httpPoster();
  const answers: string[] = [];
  let turn = 0;
  try {
    const [api, directSql] = await alternate(
      're-send one unchanged batch, API then direct SQL',
      iterations,
      async () => {
        const response = await post(
          `${server.baseUrl}/v1/interactions/bulk`,
          apiKey,
          bodies[turn % bodies.length],
        );
        if (response.status !== 200) throw new Error(`re-send: ${response.status} ${response.text}`);
        answers.push(response.text);
      },
      () => viaSql(all[turn++ % all.length]),
    );
    const wrong = answers
      .flatMap((text) => (JSON.parse(text) as { results: { status: string }[] }).results)
      .find((r) => r.status !== 'unchanged');
    if (wrong) throw new Error(`re-send: expected every item unchanged, got ${JSON.stringify(wrong)}`);
    return { iterations, api, directSql };
  } finally {
    close();
  }
}

/**
 * CPU time to validate one interaction, in this process: the bulk path (compiled check, class-validator only
 * for items it does not accept) and class-validator alone, as every item took before. Best of 10 rounds over
 * the same valid items, each side alternately.
 */
function validationMicrosPerItem(items: InteractionBulkItem[]): { compiled: number; classValidator: number } {
  const sample = items.slice(0, 2000);
  const cpu = (validate: typeof validateItem) => {
    const started = process.cpuUsage();
    for (const item of sample) {
      if (!(validate(InteractionBulkItem, item) instanceof InteractionBulkItem))
        throw new Error(`bench item refused: ${JSON.stringify(item)}`);
    }
    const used = process.cpuUsage(started);
    return (used.user + used.system) / sample.length;
  };
  let compiled = Infinity;
  let classValidator = Infinity;
  for (let round = 0; round < 10; round++) {
    compiled = Math.min(compiled, cpu(validateItem));
    classValidator = Math.min(classValidator, cpu(validateItemFully));
  }
  return { compiled: round2(compiled), classValidator: round2(classValidator) };
}

/** Every row the API insert pass stored for the center, read back for the COPY baseline (not timed). */
async function readStoredRows(pool: pg.Pool, centerId: string): Promise<CopiedRows[]> {
  step('reading back every row the API insert pass stored (not timed)');
  const client = await pool.connect();
  try {
    const all: CopiedRows[] = [];
    for (const [table, where] of Object.entries(STORED))
      all.push(await readRows(client, table, where(centerId)));
    return all;
  } finally {
    client.release();
  }
}

/**
 * COPY of those rows, table after table, into empty copies of the tables. Its rate is counted in interactions
 * (the API pass's unit) and in rows.
 */
async function copyAll(pool: pg.Pool, stored: CopiedRows[]) {
  const rows = Object.fromEntries(stored.map((t) => [t.table, t.rows])) as Record<StoredTable, number>;
  const total = stored.reduce((n, t) => n + t.rows, 0);
  step(`COPY of the ${total} rows the API insert pass stored into empty copies of their tables`);
  const client = await pool.connect();
  try {
    const seconds = await copyIntoEmptyCopies(client, stored);
    return {
      rows: { ...rows, total },
      seconds: round2(seconds),
      interactionsPerSecond: Math.round(rows.interactions / seconds),
      rowsPerSecond: Math.round(total / seconds),
    };
  } finally {
    client.release();
  }
}

async function checkpointOn(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await checkpoint(client);
  } finally {
    client.release();
  }
}

/** The version (xmin) of every row the center has in each table an insert pass stores rows in. */
async function rowVersions(pool: pg.Pool, centerId: string): Promise<Map<StoredTable, Map<string, string>>> {
  const versions = new Map<StoredTable, Map<string, string>>();
  for (const [table, where] of Object.entries(STORED) as [StoredTable, (id: string) => string][]) {
    const key = table === 'reminder_items' ? `t.reminder_id || '/' || t.gap_id` : 't.id';
    const { rows } = await pool.query<{ key: string; xmin: string }>(
      `SELECT ${key} AS key, t.xmin::text AS xmin FROM ${table} t WHERE ${where(centerId)}`,
    );
    versions.set(table, new Map(rows.map((r) => [r.key, r.xmin])));
  }
  return versions;
}

/**
 * Rows whose version (xmin) changed, or that appeared or went: any UPDATE, even to identical values, and any
 * delete and re-insert would show here.
 */
async function rowsRewrittenSince(
  pool: pg.Pool,
  centerId: string,
  before: Map<StoredTable, Map<string, string>>,
): Promise<{ total: number; byTable: Record<StoredTable, number> }> {
  const after = await rowVersions(pool, centerId);
  const byTable = {} as Record<StoredTable, number>;
  for (const [table, now] of after) {
    const then = before.get(table)!;
    const keys = new Set([...then.keys(), ...now.keys()]);
    byTable[table] = [...keys].filter((key) => then.get(key) !== now.get(key)).length;
  }
  return { total: Object.values(byTable).reduce((n, c) => n + c, 0), byTable };
}

function printTable(report: {
  copyAll: { rows: { total: number }; interactionsPerSecond: number; rowsPerSecond: number };
  api: Record<Phase, { rowsPerSecond: number; p95Ms: number }>;
  directSql: Record<Phase, { rowsPerSecond: number; p95Ms: number }>;
  ratios: { apiInsertVsCopyAll: number; apiVsDirectSql: Record<Phase, number>; resendUnchangedVsSql: number };
  resendUnchanged: { api: Timing; directSql: Timing };
  validationMicrosPerItem: { compiled: number; classValidator: number };
  unchangedRowsRewritten: number;
}): void {
  console.log('');
  console.log('pass        API rows/s  API p95 (1000 rows)  direct SQL rows/s  API / direct SQL');
  for (const phase of ['insert', 'update', 'unchanged'] as const) {
    console.log(
      `${phase.padEnd(10)}  ${String(report.api[phase].rowsPerSecond).padStart(10)}  ${`${report.api[phase].p95Ms} ms`.padStart(19)}  ${String(report.directSql[phase].rowsPerSecond).padStart(17)}  ${report.ratios.apiVsDirectSql[phase].toFixed(3).padStart(16)}`,
    );
  }
  console.log('targets: API / direct SQL ≥ 0.8 on insert, ≥ 0.5 on unchanged rows');
  const { copyAll } = report;
  console.log(
    `COPY of every row the insert pass stored (${copyAll.rows.total} rows): ${copyAll.rowsPerSecond} rows/s = ${copyAll.interactionsPerSecond} interactions/s; API insert / COPY = ${report.ratios.apiInsertVsCopyAll.toFixed(3)} (target ≥ 0.35)`,
  );
  console.log(`rows rewritten by re-sending unchanged rows: ${report.unchangedRowsRewritten} (target 0)`);
  const { api, directSql } = report.resendUnchanged;
  console.log(
    `re-sending one batch of 1000 unchanged rows: API p50 ${api.p50Ms} ms (p95 ${api.p95Ms}), direct SQL p50 ${directSql.p50Ms} ms (p95 ${directSql.p95Ms}); SQL / API = ${report.ratios.resendUnchangedVsSql.toFixed(3)}`,
  );
  const { compiled, classValidator } = report.validationMicrosPerItem;
  console.log(
    `validating one interaction (CPU, in process): compiled check ${compiled} µs, class-validator ${classValidator} µs`,
  );
}

await main();
