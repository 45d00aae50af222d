/**
 * npm run bench:engine — recomputes the follow-up gaps and reminders of 100,000 students with 10
 * interactions each (BENCH_STUDENTS scales it), persisted exactly as the portal's writes do (load facts,
 * run the rules, write gaps and reminders, one transaction per batch of 1000 students, two at a time), with
 * baselines measured in the same run:
 *   - the pure rules over the same facts held in memory, the engine against the reference implementation (the
 *     luxon rules kept as the tests' oracle), the two alternated every 250 students (`fastVsReferencePure`);
 *   - the same recompute again with nothing changed, which writes nothing (`unchangedVsFirstPersisted`);
 *   - `COPY` of exactly the gap, reminder and reminder-item rows the first-time recompute wrote into empty
 *     copies of their tables (`firstPersistedVsCopy`, rows written per second).
 * The last line of output is one JSON object with every figure and a `targets` object of `{ value, limit, met }`.
 */
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source.js';
import { migrateDatabase } from '../src/database/migrate.js';
import type { StudentFacts } from '../src/follow-ups/domain/facts.js';
import { planStudent } from '../src/follow-ups/domain/plan.js';
import type { Policy } from '../src/follow-ups/domain/policy.js';
import { GapsService } from '../src/follow-ups/gaps.service.js';
import type { ReminderScheduler } from '../src/jobs/reminder-scheduler.js';
import { loadPolicy } from '../src/follow-ups/policies.repository.js';
import { loadStudentFacts } from '../src/follow-ups/student-facts.repository.js';
import { createRootLogger } from '../src/logging/logger.js';
import { createBenchDatabase } from './bench-database.js';
import { checkpoint, copyIntoEmptyCopies, readRows } from './copy-tables.js';
import { Progress, step } from './progress.js';
import { loadReference, plain, round } from './reference-rules.js';

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 100_000);
const PER_STUDENT = 10;
const BATCH = 1000;
const CONCURRENCY = 2;
const NOW = new Date('2026-11-26T03:00:00Z');
/** Students each implementation plans once, alternated, before the measured round (JIT, zone offsets). */
const WARM_UP = 2000;

async function seed(dataSource: DataSource): Promise<{ centerId: string; studentIds: string[] }> {
  step(`seeding ${STUDENTS} students with ${PER_STUDENT} interactions each (not timed)`);
  const [center] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO centers (name, timezone) VALUES ('bench', 'Asia/Tokyo') RETURNING id`,
  );
  const [advisor] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO advisors (center_id, external_id, name, email, timezone) VALUES ($1, 'adv', '相談員', 'a@example.ac.jp', 'Asia/Tokyo') RETURNING id`,
    [center.id],
  );
  await dataSource.query(
    `INSERT INTO companies (center_id, external_id, name) SELECT $1, 'cmp-' || n, '株式会社サンプル' || n FROM generate_series(1, 1000) n`,
    [center.id],
  );
  await dataSource.query(
    `INSERT INTO students (center_id, external_id, name, email, locale, timezone, advisor_id)
     SELECT $1, 'stu-' || n, '学生' || n, 's' || n || '@example.ac.jp', CASE WHEN n % 2 = 0 THEN 'ja' ELSE 'en' END,
            (ARRAY['Asia/Tokyo', 'America/New_York', 'Europe/Berlin'])[1 + n % 3], $2
     FROM generate_series(1, $3::int) n`,
    [center.id, advisor.id, STUDENTS],
  );
  // Interactions spread over the 60 days before NOW, so gaps of every state and urgency appear.
  await dataSource.query(
    `INSERT INTO interactions (center_id, external_id, student_id, company_id, kind, occurred_at, ended_at, outcome)
     SELECT $1, s.external_id || '-' || k, s.id, c.id,
            (ARRAY['INTERVIEW', 'INFO_SESSION', 'CAREER_FAIR', 'NETWORKING', 'OTHER'])[1 + (k + n) % 5],
            $2::timestamptz - ((n * 7 + k * 131) % 1440) * interval '1 hour',
            $2::timestamptz - ((n * 7 + k * 131) % 1440) * interval '1 hour' + interval '1 hour',
            CASE WHEN (n + k) % 4 = 0 THEN 'PASSED' ELSE 'PENDING' END
     FROM (SELECT id, external_id, row_number() OVER (ORDER BY id) AS n FROM students WHERE center_id = $1) s
     CROSS JOIN generate_series(1, $3::int) k
     JOIN LATERAL (SELECT id FROM companies WHERE center_id = $1 AND external_id = 'cmp-' || (1 + (s.n + k) % 1000)) c ON true`,
    [center.id, NOW, PER_STUDENT],
  );
  await dataSource.query(
    `INSERT INTO follow_ups (center_id, external_id, interaction_id, channel, sent_at)
     SELECT center_id, external_id || '-fu', id, 'EMAIL', ended_at + interval '5 hours' FROM interactions
     WHERE center_id = $1 AND abs(hashtext(external_id)) % 10 < 3`,
    [center.id],
  );
  await dataSource.query('ANALYZE');
  const students = await dataSource.query<{ id: string }[]>(
    `SELECT id FROM students WHERE center_id = $1 ORDER BY id`,
    [center.id],
  );
  return { centerId: center.id, studentIds: students.map((s) => s.id) };
}

/**
 * The pure rules over the facts in memory: after a warm-up, one round over every student, the engine and the
 * reference taking turns every 250 students. Checks first that both plan the same on a sample.
 */
async function pureRules(facts: readonly StudentFacts[], policy: Policy) {
  const reference = await loadReference();
  try {
    const sample = facts.filter((_, i) => i % 97 === 0);
    const differs = sample.find(
      (f) => !isDeepStrictEqual(plain(planStudent(f, policy, NOW)), plain(reference.plan(f, policy, NOW))),
    );
    if (differs) throw new Error(`the engine and the reference disagree on student ${differs.studentId}`);
    let gaps = 0;
    let reminders = 0;
    for (const studentFacts of facts) {
      const plan = planStudent(studentFacts, policy, NOW);
      gaps += plan.gaps.length;
      reminders += plan.reminders.length;
    }
    step(`pure rules: warming up on ${Math.min(WARM_UP, facts.length)} students (not timed)`);
    round(planStudent, reference.plan, facts.slice(0, WARM_UP), policy, NOW);
    step(`pure rules: engine and reference alternated every 250 students over ${facts.length} students`);
    const seconds = round(planStudent, reference.plan, facts, policy, NOW);
    return { gaps, reminders, seconds };
  } finally {
    await reference.dispose();
  }
}

async function main(): Promise<void> {
  step(`bench:engine — ${STUDENTS} students × ${PER_STUDENT} interactions, batches of ${BATCH}`);
  const database = await createBenchDatabase();
  await migrateDatabase(database.url, createRootLogger('warn'));
  const dataSource = new DataSource({ ...dataSourceOptions(database.url), extra: { max: CONCURRENCY + 1 } });
  await dataSource.initialize();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { centerId, studentIds } = await seed(dataSource);
    const batches = Array.from({ length: Math.ceil(studentIds.length / BATCH) }, (_, i) =>
      studentIds.slice(i * BATCH, (i + 1) * BATCH),
    );

    // Baseline: the same facts, held in memory, through the pure rules only, the engine against the reference.
    const policy = await loadPolicy(dataSource.manager, centerId);
    const facts: StudentFacts[] = [];
    const loading = new Progress('loading facts into memory (not timed)', batches.length);
    for (const [i, batch] of batches.entries()) {
      facts.push(...(await loadStudentFacts(dataSource.manager, centerId, batch, NOW)).values());
      loading.update(i + 1);
    }
    const pure = await pureRules(facts, policy);
    const pureSeconds = pure.seconds.engine;
    facts.length = 0;

    // Scheduling dispatch jobs is not part of the recompute being measured.
    const gapsService = new GapsService({ now: () => NOW }, {
      scheduleReminders: async () => {},
    } as unknown as ReminderScheduler);
    const persisted = async (label: string) => {
      await checkpoint(client);
      const progress = new Progress(label, batches.length);
      let next = 0;
      let done = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < batches.length) {
            const batch = batches[next++];
            await dataSource.transaction((manager) =>
              gapsService.recomputeStudents(manager, centerId, batch),
            );
            progress.update(++done);
          }
        }),
      );
      return (performance.now() - started) / 1000;
    };
    const firstSeconds = await persisted('persisted recompute, first time (writes every gap and reminder)');
    // Every row the first-time recompute wrote (the tables were empty), read back for the COPY baseline.
    step('reading back the rows the first-time recompute wrote (not timed)');
    const center = `center_id = '${centerId}'`;
    const written = [
      await readRows(client, 'gaps', center),
      await readRows(client, 'reminders', center),
      await readRows(
        client,
        'reminder_items',
        `EXISTS (SELECT 1 FROM reminders r WHERE r.id = t.reminder_id AND r.${center})`,
      ),
    ];
    const againSeconds = await persisted('persisted recompute, nothing changed (writes nothing)');
    step('COPY of the same rows into empty copies of gaps, reminders and reminder_items');
    const copySeconds = await copyIntoEmptyCopies(client, written);

    const rowsWritten = {
      gaps: written[0].rows,
      reminders: written[1].rows,
      reminderItems: written[2].rows,
      total: written.reduce((n, t) => n + t.rows, 0),
    };
    const rate = (count: number, seconds: number) => Math.round(count / seconds);
    const ratio = (value: number) => Math.round(value * 1000) / 1000;
    const target = (value: number, limit: number) => ({ value, limit, met: value >= limit });
    const fastVsReferencePure = ratio(pure.seconds.reference / pure.seconds.engine);
    const unchangedVsFirstPersisted = ratio(firstSeconds / againSeconds);
    const firstPersistedVsCopy = ratio(copySeconds / firstSeconds);
    const report = {
      students: STUDENTS,
      interactionsPerStudent: PER_STUDENT,
      gaps: pure.gaps,
      reminders: pure.reminders,
      pureStudentsPerSecond: rate(STUDENTS, pureSeconds),
      referenceStudentsPerSecond: rate(STUDENTS, pure.seconds.reference),
      persistedStudentsPerSecond: {
        first: rate(STUDENTS, firstSeconds),
        unchanged: rate(STUDENTS, againSeconds),
      },
      rowsWritten,
      rowsPerSecond: {
        firstPersisted: rate(rowsWritten.total, firstSeconds),
        copy: rate(rowsWritten.total, copySeconds),
      },
      ratios: {
        fastVsReferencePure,
        persistedFirstVsPure: ratio(pureSeconds / firstSeconds),
        persistedUnchangedVsPure: ratio(pureSeconds / againSeconds),
        unchangedVsFirstPersisted,
        firstPersistedVsCopy,
      },
      targets: {
        // New pure rules ÷ the reference implementation, students/s, alternated every 250 students.
        fastVsReferencePure: target(fastVsReferencePure, 5),
        // Throughput of a recompute where nothing changed ÷ first-time throughput: it sends no writes.
        unchangedVsFirstPersisted: target(unchangedVsFirstPersisted, 3),
        // Rows written per second by the first-time recompute ÷ COPY of the same rows into empty tables.
        firstPersistedVsCopy: target(firstPersistedVsCopy, 0.4),
      },
    };
    console.log('');
    console.log(
      `pure rules, facts in memory: ${report.pureStudentsPerSecond} students/s (${pure.gaps} gaps, ${pure.reminders} reminders) = ${fastVsReferencePure}× the reference's ${report.referenceStudentsPerSecond} (target ≥ 5)`,
    );
    console.log(
      `persisted, first time:       ${report.persistedStudentsPerSecond.first} students/s = ${report.ratios.persistedFirstVsPure}× pure`,
    );
    console.log(
      `persisted, unchanged:        ${report.persistedStudentsPerSecond.unchanged} students/s = ${report.ratios.persistedUnchangedVsPure}× pure = ${unchangedVsFirstPersisted}× first time (target ≥ 3)`,
    );
    console.log(
      `rows written first time:     ${rowsWritten.total} (${rowsWritten.gaps} gaps, ${rowsWritten.reminders} reminders, ${rowsWritten.reminderItems} items) at ${report.rowsPerSecond.firstPersisted} rows/s; COPY of the same rows ${report.rowsPerSecond.copy} rows/s; ratio ${firstPersistedVsCopy} (target ≥ 0.4)`,
    );
    console.log(JSON.stringify(report));
  } finally {
    await client.end();
    await dataSource.destroy();
    await database.drop();
  }
}

await main();
