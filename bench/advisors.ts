/**
 * npm run bench:advisors — seeds one center with 100,000 students, 300 advisors (one of them with 5,000
 * students), 1,000,000 interactions with their companies, their gaps and reminders (BENCH_STUDENTS scales
 * it; 10 interactions per student), then runs `studentsMissingFollowUps` over HTTP against the built service
 * (its own process, PROCESS_ROLE=api) for four cases: a typical advisor's first page, the big advisor's
 * first page, a director's first page and a director's page 20 reached via cursor. Each is compared with a
 * baseline measured in the same run: the resolver's exact SQL (MISSING_FOLLOW_UPS_SQL with
 * missingFollowUpsParams, same viewer and cursor; the one statement a request sends) executed directly through
 * `pg`. It prints p50/p95 of both,
 * the targets, `EXPLAIN (ANALYZE, BUFFERS)` of the hot query and the SQL statements per request (from
 * `db_statements_total`), and the stack's floor: the smallest GraphQL request (`{ apiVersion }`) against
 * `SELECT 1`, timed the same way. The last line of output is one JSON object with every figure.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { SignJWT } from 'jose';
import pg from 'pg';
import {
  MISSING_FOLLOW_UPS_SQL,
  missingFollowUpsParams,
} from '../src/advisors-api/queries/missing-follow-ups.repository.js';
import { decodePageCursor } from '../src/advisors-api/queries/page-cursor.js';
import { generateApiKey } from '../src/centers/api-key.secret.js';
import { migrateDatabase } from '../src/database/migrate.js';
import { createRootLogger } from '../src/logging/logger.js';
import { createBenchDatabase } from './bench-database.js';
import { startBareGraphqlServer, startBenchServer } from './bench-server.js';
import { Progress, step } from './progress.js';

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 100_000);
const INTERACTIONS_PER_STUDENT = 10; // one seeding chunk each: 1,000,000 interactions at full size
const ADVISORS = 300;
const BIG_CASELOAD = Math.round(STUDENTS / 20); // 5,000 at full size
const COMPANIES = 2000;
const TYPICAL_ADVISOR = 'adv-150';
const BIG_ADVISOR = 'adv-001';
const PAGE = 20;
const DIRECTOR_PAGE = 20;

const QUERY = `query Missing($first: Int, $after: String) {
  studentsMissingFollowUps(first: $first, after: $after) {
    totalCount
    edges {
      cursor
      node {
        student { externalId name advisor { name } }
        gaps { id purpose urgency overdueAt remindersSent interaction { externalId kind company { name } } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Timing {
  p50Ms: number;
  p95Ms: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
const timing = (values: number[]): Timing => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50Ms: round1(percentile(sorted, 50)), p95Ms: round1(percentile(sorted, 95)) };
};

/**
 * Set-based seeding straight into the migrated tables, one interaction per student per chunk. Pseudo-random
 * but realistic: interactions over the past year (denser recently, 2 % scheduled in the next two weeks), gaps
 * OPEN / SATISFIED / DISMISSED / CLOSED with overdue instants in the past and future (so DUE, LATE and OVERDUE
 * all occur), reminders SENT or SCHEDULED for open gaps and some satisfied ones.
 */
async function seed(db: pg.Client): Promise<{ centerId: string; apiKey: string }> {
  step(
    `seeding ${STUDENTS} students, ${ADVISORS} advisors (${BIG_ADVISOR}: ${BIG_CASELOAD} students), ` +
      `${STUDENTS * INTERACTIONS_PER_STUDENT} interactions with their gaps and reminders (not timed)`,
  );
  const progress = new Progress('seeding', 2 + INTERACTIONS_PER_STUDENT + 1);
  await db.query(`SET synchronous_commit = off`);
  await db.query(`SELECT setseed(0.42)`);
  const {
    rows: [center],
  } = await db.query<{ id: string }>(
    `INSERT INTO centers (name, timezone, created_at) VALUES ('bench', 'Asia/Tokyo', now() - interval '2 years') RETURNING id`,
  );
  const key = generateApiKey();
  await db.query(`INSERT INTO api_keys (center_id, prefix, key_hash) VALUES ($1, $2, $3)`, [
    center.id,
    key.prefix,
    key.hash,
  ]);
  await db.query(
    `INSERT INTO advisors (center_id, external_id, name, email, timezone, created_at, updated_at)
     SELECT $1, 'adv-' || lpad(n::text, 3, '0'), '相談員' || n, 'adv' || n || '@example.ac.jp', 'Asia/Tokyo',
            now() - interval '2 years', now() - interval '2 years'
     FROM generate_series(1, $2::int) n`,
    [center.id, ADVISORS],
  );
  await db.query(
    `INSERT INTO companies (center_id, external_id, name, industry, created_at, updated_at)
     SELECT $1, 'cmp-' || n, '株式会社サンプル' || n, (ARRAY['IT', '製造', '金融', '商社', '公務'])[1 + n % 5],
            now() - interval '2 years', now() - interval '2 years'
     FROM generate_series(1, $2::int) n`,
    [center.id, COMPANIES],
  );
  // Student n: the big advisor has the first BIG_CASELOAD, the others share the rest round-robin; 1 in 500 is
  // an erased tombstone (external id and personal fields cleared).
  await db.query(
    `CREATE TEMP TABLE seed_students AS
     SELECT n, gen_random_uuid() AS id, n % 500 = 0 AS erased,
            CASE WHEN n <= $1 THEN 1 ELSE 2 + (n - $1 - 1) % ($2 - 1) END AS advisor_no
     FROM generate_series(1, $3::int) n`,
    [BIG_CASELOAD, ADVISORS, STUDENTS],
  );
  await db.query(`ALTER TABLE seed_students ADD PRIMARY KEY (n)`);
  await db.query(
    `INSERT INTO students (id, center_id, external_id, name, email, locale, timezone, advisor_id, graduation_year,
                           created_at, updated_at, erased_at)
     SELECT s.id, $1, CASE WHEN s.erased THEN NULL ELSE 'stu-' || s.n END,
            CASE WHEN s.erased THEN NULL ELSE '学生' || s.n END,
            CASE WHEN s.erased THEN NULL ELSE 's' || s.n || '@example.ac.jp' END,
            CASE WHEN s.n % 4 = 0 THEN 'en' ELSE 'ja' END, 'Asia/Tokyo', a.ids[s.advisor_no], 2026 + s.n % 4,
            now() - (400 + s.n % 300) * interval '1 day', now() - (s.n % 300) * interval '1 day',
            CASE WHEN s.erased THEN now() - interval '30 days' END
     FROM seed_students s CROSS JOIN (SELECT array_agg(id ORDER BY external_id) AS ids FROM advisors WHERE center_id = $1) a`,
    [center.id],
  );
  progress.update(2);

  for (let chunk = 0; chunk < INTERACTIONS_PER_STUDENT; chunk++) {
    await db.query(
      `CREATE TEMP TABLE seed_interactions AS
         SELECT r.id, r.student_id, r.n, r.erased, r.company_id, k.kind, t.occurred_at, t.occurred_at + k.length AS ended_at,
                r.r_state, r.r_check, r.r_outcome, r.r_delay
         FROM (
           -- random() in a subquery's select list is evaluated once per row (a lateral one without references is not)
           SELECT gen_random_uuid() AS id, s.id AS student_id, s.n, s.erased, c.ids[1 + floor(random() * $2)::int] AS company_id,
                  random() AS r_kind, random() AS r_when, random() AS r_age, random() AS r_state, random() AS r_check,
                  random() AS r_outcome, random() AS r_delay
           FROM seed_students s CROSS JOIN (SELECT array_agg(id) AS ids FROM companies WHERE center_id = $1) c
         ) r
         CROSS JOIN LATERAL (
           SELECT CASE WHEN r.r_kind < 0.25 THEN 'INTERVIEW' WHEN r.r_kind < 0.55 THEN 'INFO_SESSION'
                       WHEN r.r_kind < 0.75 THEN 'CAREER_FAIR' WHEN r.r_kind < 0.9 THEN 'NETWORKING' ELSE 'OTHER' END AS kind,
                  CASE WHEN r.r_kind < 0.25 THEN interval '1 hour' WHEN r.r_kind < 0.75 THEN interval '3 hours'
                       ELSE interval '2 hours' END AS length) k
         CROSS JOIN LATERAL (
           SELECT date_trunc('minute', CASE WHEN r.r_when < 0.02 THEN now() + r.r_age * interval '14 days'
                                            ELSE now() - power(r.r_age, 1.3) * interval '365 days' END) AS occurred_at) t`,
      [center.id, COMPANIES],
    );
    await db.query(
      `INSERT INTO interactions (id, center_id, external_id, student_id, company_id, kind, occurred_at, ended_at, outcome,
                                 created_at, updated_at)
       SELECT i.id, $1, 'int-' || i.n || '-' || $2::int, i.student_id, i.company_id, i.kind, i.occurred_at, i.ended_at,
              CASE WHEN i.kind = 'INTERVIEW' AND i.ended_at < now() - interval '21 days'
                   THEN (ARRAY['PASSED', 'REJECTED', 'OFFER', 'WITHDRAWN'])[1 + floor(i.r_outcome * 4)::int]
                   ELSE 'PENDING' END,
              least(i.occurred_at + interval '3 hours', now() - interval '10 minutes'),
              least(i.occurred_at + interval '3 hours', now() - interval '10 minutes')
       FROM seed_interactions i`,
      [center.id, chunk],
    );
    // Thank-you gaps (every kind but OTHER) and one check-in per interview, as the rules would derive them.
    await db.query(
      `CREATE TEMP TABLE seed_gaps AS
       SELECT g.*, CASE WHEN g.state = 'OPEN' THEN g.created_at
                        ELSE greatest(g.created_at, least(g.opens_at + g.r_delay * interval '2 days', now() - interval '1 minute'))
                   END AS updated_at
       FROM (
         SELECT gen_random_uuid() AS id, i.student_id, i.id AS interaction_id, 'THANK_YOU' AS purpose, i.ended_at AS opens_at,
                i.ended_at + CASE WHEN i.kind = 'CAREER_FAIR' THEN interval '48 hours' ELSE interval '24 hours' END AS ideal_by,
                i.ended_at + CASE i.kind WHEN 'INTERVIEW' THEN interval '48 hours' WHEN 'CAREER_FAIR' THEN interval '96 hours'
                                         ELSE interval '72 hours' END AS overdue_at,
                CASE WHEN i.erased THEN 'CLOSED'
                     WHEN i.ended_at > now() THEN 'OPEN'
                     WHEN i.ended_at > now() - interval '7 days' THEN CASE WHEN i.r_state < 0.6 THEN 'OPEN' ELSE 'SATISFIED' END
                     WHEN i.r_state < 0.05 THEN 'OPEN' WHEN i.r_state < 0.08 THEN 'DISMISSED'
                     WHEN i.r_state < 0.14 THEN 'CLOSED' ELSE 'SATISFIED' END AS state,
                least(i.occurred_at + interval '3 hours', now() - interval '10 minutes') AS created_at, i.r_delay,
                i.r_check
         FROM seed_interactions i WHERE i.kind <> 'OTHER'
         UNION ALL
         SELECT gen_random_uuid(), i.student_id, i.id, 'CHECK_IN', i.ended_at + interval '7 days',
                i.ended_at + interval '9 days', i.ended_at + interval '14 days',
                CASE WHEN i.erased THEN 'CLOSED'
                     WHEN i.ended_at < now() - interval '21 days' THEN CASE WHEN i.r_check < 0.5 THEN 'SATISFIED' ELSE 'CLOSED' END
                     WHEN i.ended_at + interval '7 days' > now() OR i.r_check < 0.7 THEN 'OPEN' ELSE 'SATISFIED' END,
                least(i.occurred_at + interval '3 hours', now() - interval '10 minutes'), i.r_delay, i.r_check
         FROM seed_interactions i WHERE i.kind = 'INTERVIEW'
       ) g`,
    );
    await db.query(
      `INSERT INTO gaps (id, center_id, student_id, interaction_id, purpose, sequence, opens_at, ideal_by, overdue_at, state,
                         state_reason, created_at, updated_at, snoozed_until)
       SELECT g.id, $1, g.student_id, g.interaction_id, g.purpose, 1, g.opens_at, g.ideal_by, g.overdue_at, g.state,
              CASE g.state WHEN 'SATISFIED' THEN 'follow-up sent' WHEN 'DISMISSED' THEN 'not needed'
                           WHEN 'CLOSED' THEN 'closed' END,
              g.created_at, g.updated_at,
              CASE WHEN g.state = 'OPEN' AND g.r_check > 0.97 THEN now() + interval '3 days' END
       FROM seed_gaps g`,
      [center.id],
    );
    // Nudge 1 at opens_at + 3 h and nudge 2 at ideal_by for open thank-yous (SENT when past, else SCHEDULED);
    // nudge 1 SENT for a fifth of the satisfied ones.
    await db.query(
      `CREATE TEMP TABLE seed_reminders AS
       SELECT md5(g.id::text || ':' || n.nudge)::uuid AS id, g.id AS gap_id, g.student_id, n.nudge, n.at,
              CASE WHEN n.at <= now() THEN 'SENT' ELSE 'SCHEDULED' END AS status, g.created_at
       FROM seed_gaps g
       CROSS JOIN LATERAL (VALUES (1, g.opens_at + interval '3 hours'), (2, g.ideal_by)) n(nudge, at)
       WHERE g.purpose = 'THANK_YOU' AND (g.state = 'OPEN' OR (g.state = 'SATISFIED' AND g.r_delay < 0.2 AND n.nudge = 1))`,
    );
    await db.query(
      `INSERT INTO reminders (id, center_id, student_id, scheduled_at, status, why, sent_at, dispatched_at, created_at, updated_at)
       SELECT r.id, $1, r.student_id, r.at, r.status,
              jsonb_build_object('timezone', 'Asia/Tokyo', 'quietHours', NULL,
                                 'spacing', jsonb_build_object('decision', 'none', 'detail', ''),
                                 'items', jsonb_build_array(jsonb_build_object('gapId', r.gap_id, 'nudge', r.nudge,
                                   'rule', CASE r.nudge WHEN 1 THEN 'first nudge: end + PT3H' ELSE 'second nudge at idealBy' END,
                                   'anchor', r.at, 'dueAt', r.at))),
              CASE WHEN r.status = 'SENT' THEN r.at + interval '2 seconds' END,
              CASE WHEN r.status = 'SENT' THEN r.at END,
              r.created_at, CASE WHEN r.status = 'SENT' THEN r.at + interval '2 seconds' ELSE r.created_at END
       FROM seed_reminders r`,
      [center.id],
    );
    await db.query(
      `INSERT INTO reminder_items (reminder_id, gap_id, nudge) SELECT id, gap_id, nudge FROM seed_reminders`,
    );
    await db.query(`DROP TABLE seed_interactions, seed_gaps, seed_reminders`);
    progress.update(3 + chunk);
  }
  await db.query(`DROP TABLE seed_students`);
  // VACUUM too, as autovacuum does to a live database (it may be off on a development server, or start in the
  // middle of the measurements): index-only scans need the visibility map it sets.
  await db.query(`VACUUM (ANALYZE)`);
  // Write the seed's dirty pages out now, not while the cases run: a checkpoint flushing gigabytes behind the
  // audit rows' commits would time the disk, not the API.
  await db
    .query(`CHECKPOINT`)
    .catch(() => step('CHECKPOINT not allowed for this role: timings may include its flush'));
  progress.update(3 + INTERACTIONS_PER_STUDENT);
  return { centerId: center.id, apiKey: key.key };
}

interface CaseResult {
  caseload: number | null;
  totalCount: number;
  iterations: number;
  graphql: Timing;
  sql: Timing;
  graphqlVsSqlP95: number;
  statementsPerRequest: number;
}

async function main(): Promise<void> {
  step(`bench:advisors — studentsMissingFollowUps over HTTP vs its SQL through pg`);
  const database = await createBenchDatabase();
  const cleanup: (() => Promise<unknown>)[] = [() => database.drop()];
  try {
    await migrateDatabase(database.url, createRootLogger('warn'));
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    cleanup.unshift(() => db.end());
    const seedStarted = performance.now();
    const { centerId, apiKey } = await seed(db);
    const seedSeconds = Math.round((performance.now() - seedStarted) / 1000);
    const {
      rows: [counts],
    } = await db.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM students)::int AS students, (SELECT count(*) FROM advisors)::int AS advisors,
              (SELECT count(*) FROM interactions)::int AS interactions, (SELECT count(*) FROM gaps)::int AS gaps,
              (SELECT count(*) FROM gaps WHERE state = 'OPEN')::int AS "openGaps",
              (SELECT count(*) FROM gaps WHERE state = 'OPEN' AND opens_at <= now() AND now() < ideal_by)::int AS "openDue",
              (SELECT count(*) FROM gaps WHERE state = 'OPEN' AND ideal_by <= now() AND now() < overdue_at)::int AS "openLate",
              (SELECT count(*) FROM gaps WHERE state = 'OPEN' AND overdue_at <= now())::int AS "openOverdue",
              (SELECT count(*) FROM gaps WHERE state = 'OPEN' AND opens_at > now())::int AS "openNotYetOpen",
              (SELECT count(*) FROM reminders)::int AS reminders`,
    );
    step(
      `seeded in ${seedSeconds} s: ${counts.gaps} gaps (${counts.openGaps} open: ${counts.openDue} DUE, ` +
        `${counts.openLate} LATE, ${counts.openOverdue} OVERDUE, ${counts.openNotYetOpen} not yet open), ${counts.reminders} reminders`,
    );
    const { rows: advisorRows } = await db.query<{ externalId: string; id: string; caseload: number }>(
      `SELECT a.external_id AS "externalId", a.id, (SELECT count(*) FROM students s WHERE s.advisor_id = a.id)::int AS caseload
       FROM advisors a WHERE a.center_id = $1 AND a.external_id = ANY($2)`,
      [centerId, [TYPICAL_ADVISOR, BIG_ADVISOR]],
    );
    const advisor = (externalId: string) => advisorRows.find((a) => a.externalId === externalId)!;
    const advisorOf = (id: string) => advisorRows.find((a) => a.id === id)!.externalId;

    const jwtSecret = randomBytes(32).toString('base64url');
    const server = await startBenchServer(database.url, {
      // The rate limit's counters in Redis, as a deployment of several api processes keeps them
      // (REDIS_URL= keeps them in PostgreSQL, the zero-setup default).
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      ADVISOR_JWT_SECRET: jwtSecret,
      GRAPHQL_RATE_LIMIT_PER_MINUTE: '100000', // the benchmark is one client, not abuse
    });
    cleanup.unshift(() => server.stop());
    const advisorToken = (externalId: string) =>
      new SignJWT({ sub: externalId, center: centerId, role: 'advisor' })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('3h')
        .sign(new TextEncoder().encode(jwtSecret));

    type Page = {
      totalCount: number;
      edges: unknown[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
    // node:http on one kept-alive connection, as the SQL side has one pg connection: fetch's own overhead
    // (about 1 ms a request here) would be measured as the service's.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    cleanup.unshift(() => Promise.resolve(agent.destroy()));
    const post = (token: string, body: string, url = `${server.baseUrl}/graphql`) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const request = http.request(
          url,
          {
            method: 'POST',
            agent,
            headers: {
              Authorization: `Bearer ${token}`,
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(body),
            },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
              resolve({ status: response.statusCode!, text: Buffer.concat(chunks).toString('utf8') }),
            );
            response.on('error', reject);
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    const graphql = async (token: string, after: string | null, url?: string): Promise<Page> => {
      const response = await post(
        token,
        JSON.stringify({ query: QUERY, variables: { first: PAGE, after } }),
        url,
      );
      const body = JSON.parse(response.text) as {
        data?: { studentsMissingFollowUps: Page };
        errors?: unknown[];
      };
      if (response.status !== 200 || body.errors || !body.data)
        throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
      return body.data.studentsMissingFollowUps;
    };
    // The resolver's statement and parameters for the same viewer and cursor, audit rows included (the actor
    // named as the API names it).
    const statementParams = (caseloadOf: string | null, after: string | null) => {
      const audit = caseloadOf
        ? { centerId, actor: `advisor:${advisorOf(caseloadOf)}`, role: 'advisor' as const, requestId: null }
        : { centerId, actor: 'api-key:bench', role: 'director' as const, requestId: null };
      return missingFollowUpsParams(
        { centerId, caseloadOf, audit },
        null,
        PAGE,
        after ? decodePageCursor(after) : null,
        new Date(),
      );
    };
    const sql = async (caseloadOf: string | null, after: string | null) => {
      const { rows } = await db.query<{ total: number; page: unknown[] }>(
        MISSING_FOLLOW_UPS_SQL,
        statementParams(caseloadOf, after),
      );
      return rows[0];
    };
    const statements = async () => {
      const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
      return Number(/^db_statements_total (\d+)/m.exec(text)?.[1] ?? NaN);
    };

    /** Times two requests alternately, one at a time: on a shared machine both see the same background load. */
    const alternate = async (
      label: string,
      iterations: number,
      first: () => Promise<unknown>,
      second: () => Promise<unknown>,
    ): Promise<[Timing, Timing]> => {
      const progress = new Progress(label, iterations);
      const firstMs: number[] = [];
      const secondMs: number[] = [];
      for (let i = 0; i < iterations; i++) {
        let started = performance.now();
        await first();
        firstMs.push(performance.now() - started);
        started = performance.now();
        await second();
        secondMs.push(performance.now() - started);
        progress.update(i + 1);
      }
      return [timing(firstMs), timing(secondMs)];
    };

    const run = async (
      label: string,
      token: string,
      caseloadOf: string | null,
      after: string | null,
      caseload: number | null,
    ): Promise<CaseResult> => {
      // Warm-up, then as many iterations as fit in about 30 s per side (at most 200, at least 30).
      const warmStarted = performance.now();
      for (let i = 0; i < 5; i++) {
        await graphql(token, after);
        await sql(caseloadOf, after);
      }
      const meanMs = (performance.now() - warmStarted) / 5;
      const iterations = Math.min(200, Math.max(30, Math.floor(60_000 / meanMs)));
      // A /metrics scrape sends a statement of its own (its backlog gauge): two scrapes in a row measure it.
      const firstScrape = await statements();
      const scrapeCost = (await statements()) - firstScrape;
      const before = await statements();
      const page = await graphql(token, after);
      const statementsPerRequest = (await statements()) - before - scrapeCost;
      const baseline = await sql(caseloadOf, after);
      // Gaps open as the clock moves (opens_at <= now), so totals may differ by a few between two requests.
      if (
        Math.abs(baseline.total - page.totalCount) > page.totalCount / 1000 ||
        page.edges.length !== Math.min(PAGE, page.totalCount)
      )
        throw new Error(`${label}: GraphQL and SQL disagree (${page.totalCount} vs ${baseline.total})`);
      const [graphqlTiming, sqlTiming] = await alternate(
        label,
        iterations,
        () => graphql(token, after),
        () => sql(caseloadOf, after),
      );
      const result = {
        caseload,
        totalCount: page.totalCount,
        iterations,
        graphql: graphqlTiming,
        sql: sqlTiming,
        graphqlVsSqlP95: 0,
        statementsPerRequest,
      };
      result.graphqlVsSqlP95 = round2(result.graphql.p95Ms / result.sql.p95Ms);
      return result;
    };

    /** An advisor's first page, as that advisor. */
    const advisorPage1 = async (externalId: string, label: string) => {
      const { id, caseload } = advisor(externalId);
      const token = await advisorToken(externalId);
      return run(`${label} (${caseload} students), page 1`, token, id, null, caseload);
    };
    const cases: Record<string, CaseResult> = {};
    cases.typicalAdvisor = await advisorPage1(TYPICAL_ADVISOR, 'typical advisor');
    cases.bigAdvisor = await advisorPage1(BIG_ADVISOR, 'big advisor');
    cases.directorPage1 = await run('director, page 1', apiKey, null, null, counts.students);
    step(`director: walking ${DIRECTOR_PAGE - 1} pages for the cursor of page ${DIRECTOR_PAGE}`);
    let cursor: string | null = null;
    for (let i = 1; i < DIRECTOR_PAGE; i++) {
      const page: Page = await graphql(apiKey, cursor);
      if (!page.pageInfo.hasNextPage) throw new Error(`only ${i} director pages`);
      cursor = page.pageInfo.endCursor;
    }
    cases.directorPage20 = await run(
      `director, page ${DIRECTOR_PAGE}`,
      apiKey,
      null,
      cursor,
      counts.students,
    );

    // The typical advisor's page again, served by the bare reference server (bare-graphql-server.ts): what is
    // left of the overhead without Express, Nest, Apollo and the service's cross-cutting features.
    const typical = advisor(TYPICAL_ADVISOR);
    const bareServer = await startBareGraphqlServer(database.url, {
      centerId,
      caseloadOf: typical.id,
      actor: `advisor:${TYPICAL_ADVISOR}`,
    });
    cleanup.unshift(() => bareServer.stop());
    const bareGraphql = () => graphql('', null, `${bareServer.baseUrl}/graphql`);
    for (let i = 0; i < 5; i++) await bareGraphql();
    if ((await bareGraphql()).totalCount !== cases.typicalAdvisor.totalCount)
      throw new Error('the bare reference server and the service disagree');
    const [bareGraphqlTiming, bareSqlTiming] = await alternate(
      'typical advisor, bare node:http + graphql-js',
      cases.typicalAdvisor.iterations,
      bareGraphql,
      () => sql(typical.id, null),
    );
    await bareServer.stop();
    const bare = {
      graphql: bareGraphqlTiming,
      sql: bareSqlTiming,
      graphqlVsSqlP95: round2(bareGraphqlTiming.p95Ms / bareSqlTiming.p95Ms),
    };

    // What HTTP, Nest and Apollo cost by themselves: the smallest GraphQL request (one scalar, no statement)
    // against the smallest statement, timed the same way; last, so its requests do not warm the service's
    // code for a shape the cases do not have.
    const floorToken = await advisorToken(TYPICAL_ADVISOR);
    const apiVersion = async () => {
      const response = await post(floorToken, JSON.stringify({ query: '{ apiVersion }' }));
      if (response.status !== 200) throw new Error(`GraphQL ${response.status}: ${response.text}`);
    };
    for (let i = 0; i < 50; i++) await apiVersion(); // warm-up: the service has only just started
    const [floorGraphql, floorSql] = await alternate(
      'floor: { apiVersion } vs SELECT 1',
      200,
      apiVersion,
      () => db.query('SELECT 1'),
    );
    const floor = { graphqlApiVersion: floorGraphql, sqlSelect1: floorSql };

    const explain = async (caseloadOf: string | null) => {
      const { rows } = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${MISSING_FOLLOW_UPS_SQL}`,
        statementParams(caseloadOf, null),
      );
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    const typicalPlan = await explain(advisor(TYPICAL_ADVISOR).id);
    const directorPlan = await explain(null);

    const ratios = {
      directorPage20VsPage1: round2(cases.directorPage20.graphql.p95Ms / cases.directorPage1.graphql.p95Ms),
      bigVsTypicalAdvisor: round2(cases.bigAdvisor.graphql.p95Ms / cases.typicalAdvisor.graphql.p95Ms),
    };
    const targets = {
      graphqlVsSqlP95: {
        target: 1.5,
        met: Object.fromEntries(Object.entries(cases).map(([k, c]) => [k, c.graphqlVsSqlP95 <= 1.5])),
      },
      directorPage20VsPage1: { target: 2, met: ratios.directorPage20VsPage1 <= 2 },
      bigVsTypicalAdvisor: { target: 3, met: ratios.bigVsTypicalAdvisor <= 3 },
      typicalAdvisorP95Ms: { target: 25, met: cases.typicalAdvisor.graphql.p95Ms < 25 },
    };
    const met = (ok: boolean) => (ok ? 'met' : 'NOT met');

    console.log('');
    console.log(`EXPLAIN (ANALYZE, BUFFERS), typical advisor (${TYPICAL_ADVISOR}), page 1:`);
    console.log(typicalPlan);
    console.log('');
    console.log('EXPLAIN (ANALYZE, BUFFERS), director, page 1:');
    console.log(directorPlan);
    console.log('');
    console.log(
      `${counts.students} students, ${counts.advisors} advisors, ${counts.interactions} interactions, ${counts.gaps} gaps (${counts.openGaps} open), ${counts.reminders} reminders`,
    );
    console.log(
      'case                        | total | iter | GraphQL p50/p95 ms | SQL p50/p95 ms | p95 GraphQL/SQL | statements',
    );
    for (const [name, c] of Object.entries(cases)) {
      console.log(
        `${name.padEnd(27)} | ${String(c.totalCount).padStart(5)} | ${String(c.iterations).padStart(4)} | ` +
          `${`${c.graphql.p50Ms} / ${c.graphql.p95Ms}`.padStart(18)} | ${`${c.sql.p50Ms} / ${c.sql.p95Ms}`.padStart(14)} | ` +
          `${`${c.graphqlVsSqlP95} (${met(c.graphqlVsSqlP95 <= 1.5)})`.padStart(15)} | ${c.statementsPerRequest}`,
      );
    }
    console.log(
      `floor (no statement): GraphQL { apiVersion } ${floor.graphqlApiVersion.p50Ms} / ${floor.graphqlApiVersion.p95Ms} ms, ` +
        `SELECT 1 through pg ${floor.sqlSelect1.p50Ms} / ${floor.sqlSelect1.p95Ms} ms (p50 / p95)`,
    );
    console.log(
      `reference: typical advisor's page from a bare node:http + graphql-js server (bare-graphql-server.ts): ` +
        `${bare.graphql.p50Ms} / ${bare.graphql.p95Ms} ms against SQL ${bare.sql.p50Ms} / ${bare.sql.p95Ms} ms, p95 ratio ${bare.graphqlVsSqlP95}`,
    );
    const notMet = Object.entries(targets.graphqlVsSqlP95.met).filter(([, ok]) => !ok);
    console.log(
      `target GraphQL p95 ≤ 1.5× SQL p95: ${notMet.length ? `NOT met for ${notMet.map(([k]) => k).join(', ')}` : 'met for every case'}`,
    );
    console.log(
      `target director page ${DIRECTOR_PAGE} ≤ 2× page 1: ${ratios.directorPage20VsPage1}× — ${met(targets.directorPage20VsPage1.met)}`,
    );
    console.log(
      `target big advisor ≤ 3× typical advisor: ${ratios.bigVsTypicalAdvisor}× — ${met(targets.bigVsTypicalAdvisor.met)}`,
    );
    console.log(
      `target typical advisor p95 < 25 ms: ${cases.typicalAdvisor.graphql.p95Ms} ms — ${met(targets.typicalAdvisorP95Ms.met)}`,
    );
    console.log(JSON.stringify({ ...counts, seedSeconds, floor, bare, cases, ratios, targets }));
  } finally {
    for (const step of cleanup) await step().catch(() => undefined);
  }
}

await main();
