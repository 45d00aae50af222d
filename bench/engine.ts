/**
 * npm run bench:engine — recomputes the follow-up gaps and reminders of 100,000 students with 10
 * interactions each (BENCH_STUDENTS scales it), persisted exactly as the portal's writes do (load facts,
 * run the rules, write gaps and reminders, one transaction per batch of 1000 students), and compares it with
 * a baseline measured in the same run: the pure rules alone over the same facts held in memory. Then the same
 * recompute again with nothing changed, which writes nothing and is compared with the first-time one.
 * The last line of output is one JSON object with every figure and a `targets` object of `{ value, limit, met }`.
 */
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source.js';
import { migrateDatabase } from '../src/database/migrate.js';
import type { StudentFacts } from '../src/follow-ups/domain/facts.js';
import { planStudent } from '../src/follow-ups/domain/plan.js';
import { GapsService } from '../src/follow-ups/gaps.service.js';
import type { ReminderScheduler } from '../src/jobs/reminder-scheduler.js';
import { loadPolicy } from '../src/follow-ups/policies.repository.js';
import { loadStudentFacts } from '../src/follow-ups/student-facts.repository.js';
import { createRootLogger } from '../src/logging/logger.js';
import { createBenchDatabase } from './bench-database.js';
import { Progress, step } from './progress.js';

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 100_000);
const PER_STUDENT = 10;
const BATCH = 1000;
const CONCURRENCY = 2;
const NOW = new Date('2026-11-26T03:00:00Z');

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

async function main(): Promise<void> {
  step(`bench:engine — ${STUDENTS} students × ${PER_STUDENT} interactions, batches of ${BATCH}`);
  const database = await createBenchDatabase();
  await migrateDatabase(database.url, createRootLogger('warn'));
  const dataSource = new DataSource({ ...dataSourceOptions(database.url), extra: { max: CONCURRENCY + 1 } });
  await dataSource.initialize();
  try {
    const { centerId, studentIds } = await seed(dataSource);
    const batches = Array.from({ length: Math.ceil(studentIds.length / BATCH) }, (_, i) =>
      studentIds.slice(i * BATCH, (i + 1) * BATCH),
    );

    // Baseline: the same facts, held in memory, through the pure rules only.
    const policy = await loadPolicy(dataSource.manager, centerId);
    const facts: StudentFacts[] = [];
    const loading = new Progress('loading facts into memory (not timed)', batches.length);
    for (const [i, batch] of batches.entries()) {
      facts.push(...(await loadStudentFacts(dataSource.manager, centerId, batch, NOW)).values());
      loading.update(i + 1);
    }
    let gaps = 0;
    let reminders = 0;
    const pureStarted = performance.now();
    for (const studentFacts of facts) {
      const plan = planStudent(studentFacts, policy, NOW);
      gaps += plan.gaps.length;
      reminders += plan.reminders.length;
    }
    const pureSeconds = (performance.now() - pureStarted) / 1000;
    facts.length = 0;

    // Scheduling dispatch jobs is not part of the recompute being measured.
    const gapsService = new GapsService({ now: () => NOW }, {
      scheduleReminders: async () => {},
    } as unknown as ReminderScheduler);
    const persisted = async (label: string) => {
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
    const againSeconds = await persisted('persisted recompute, nothing changed (writes nothing)');

    const rate = (seconds: number) => Math.round(STUDENTS / seconds);
    const ratio = (value: number) => Math.round(value * 1000) / 1000;
    const persistedFirstVsPure = ratio(pureSeconds / firstSeconds);
    const unchangedRecomputeVsFirst = ratio(firstSeconds / againSeconds);
    const report = {
      students: STUDENTS,
      interactionsPerStudent: PER_STUDENT,
      gaps,
      reminders,
      pureStudentsPerSecond: rate(pureSeconds),
      persistedStudentsPerSecond: { first: rate(firstSeconds), unchanged: rate(againSeconds) },
      ratios: {
        persistedFirstVsPure,
        persistedUnchangedVsPure: ratio(pureSeconds / againSeconds),
        unchangedRecomputeVsFirst,
      },
      targets: {
        persistedFirstVsPure: { value: persistedFirstVsPure, limit: 0.25, met: persistedFirstVsPure >= 0.25 },
        // Throughput of a recompute where nothing changed ÷ first-time throughput: it sends no writes.
        unchangedRecomputeVsFirst: {
          value: unchangedRecomputeVsFirst,
          limit: 2,
          met: unchangedRecomputeVsFirst >= 2,
        },
      },
    };
    console.log('');
    console.log(
      `pure rules, facts in memory: ${report.pureStudentsPerSecond} students/s (${gaps} gaps, ${reminders} reminders)`,
    );
    console.log(
      `persisted, first time:       ${report.persistedStudentsPerSecond.first} students/s = ${report.ratios.persistedFirstVsPure}× pure`,
    );
    console.log(
      `persisted, unchanged:        ${report.persistedStudentsPerSecond.unchanged} students/s = ${report.ratios.persistedUnchangedVsPure}× pure = ${unchangedRecomputeVsFirst}× first time (target ≥ 2)`,
    );
    console.log(JSON.stringify(report));
  } finally {
    await dataSource.destroy();
    await database.drop();
  }
}

await main();
