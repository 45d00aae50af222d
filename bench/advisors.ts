/**
 * npm run bench:advisors — does a page of `studentsMissingFollowUps` cost what the page holds, whatever the
 * size of the center? Seeds two centers side by side in one database, 20,000 and 100,000 students
 * (BENCH_SIZES=2000,10000 for a quick run), each with 300 advisors (one of them with a twentieth of the
 * students), 10 interactions per student with their companies, gaps and reminders (bench-advisors-seed.ts),
 * then, for each center, times over HTTP against the built service (its own process, PROCESS_ROLE=api) the
 * request a portal sends (first 20, with totalCount, student, advisor, gaps, interactions and companies):
 * a typical advisor's first page, the big advisor's first page, a director's first page, a director's page 20
 * reached via cursor, a director's page whose filter matches nothing (kinds: [OTHER], the walk's worst case)
 * and a director's `followUpStats` over the last 30 days. Each is alternated with its baseline, the service's
 * exact statement and parameters through one `pg` connection; the typical advisor's page also with the bare
 * reference server (bare-graphql-server.ts). It prints p50/p95 of every pair, `EXPLAIN (ANALYZE, BUFFERS)` of
 * the director's first page at each size (and of followUpStats at the largest), the SQL statements per
 * request, the stack's floor (`{ apiVersion }` against `SELECT 1`) and the targets. The last line of output is
 * one JSON object with every figure and a `targets` object of `{ value, limit, met }`.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import pg from 'pg';
import {
  FOLLOW_UP_STATS_SQL,
  followUpStatsParams,
} from '../src/advisors-api/queries/follow-up-stats.repository.js';
import {
  MISSING_FOLLOW_UPS_SQL,
  missingFollowUpsParams,
} from '../src/advisors-api/queries/missing-follow-ups.repository.js';
import type { MissingFollowUpsFilter } from '../src/advisors-api/models/inputs.js';
import { decodePageCursor } from '../src/advisors-api/queries/page-cursor.js';
import { migrateDatabase } from '../src/database/migrate.js';
import { createRootLogger } from '../src/logging/logger.js';
import { BIG_ADVISOR, seedCenter, settle, TYPICAL_ADVISOR } from './bench-advisors-seed.js';
import { createBenchDatabase } from './bench-database.js';
import { startBareGraphqlServer, startBenchServer } from './bench-server.js';
import { alternate, graphqlData, httpPoster, round2, type Timing } from './bench-timing.js';
import { step } from './progress.js';

const SIZES = (process.env.BENCH_SIZES ?? '20000,100000').split(',').map(Number);
const PAGE = 20;
const DIRECTOR_PAGE = 20;
/** Seconds of alternated requests per case (at least 30 pairs, at most 200). */
const CASE_SECONDS = Number(process.env.BENCH_CASE_SECONDS ?? 20);
const STATS_DAYS = 30;
const WORST_FILTER = { kinds: ['OTHER'] } as MissingFollowUpsFilter; // no gaps: the walk reads to the end

const QUERY = `query Missing($filter: MissingFollowUpsFilter, $first: Int, $after: String) {
  studentsMissingFollowUps(filter: $filter, first: $first, after: $after) {
    totalCount
    totalCountIsExact
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
const STATS_QUERY = `query Stats($from: DateTime!, $to: DateTime!) {
  followUpStats(filter: { from: $from, to: $to }) {
    interactionsByKind { kind count }
    thankYouGaps thankYouWithin24h thankYouWithin48h medianHoursToThankYou openGaps overdueGaps
    perAdvisor { advisor { name } openGaps overdueGaps }
  }
}`;

interface CaseResult {
  totalCount: number | null;
  iterations: number;
  graphql: Timing;
  sql: Timing;
  graphqlVsSqlP95: number;
  statementsPerRequest: number;
}
interface Page {
  totalCount: number;
  totalCountIsExact: boolean;
  edges: unknown[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
const label = (n: number) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));

async function main(): Promise<void> {
  step(
    `bench:advisors — advisor pages over HTTP vs their SQL through pg, centers of ${SIZES.join(' and ')} students`,
  );
  const database = await createBenchDatabase();
  const cleanup: (() => Promise<unknown>)[] = [() => database.drop()];
  try {
    await migrateDatabase(database.url, createRootLogger('warn'));
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    cleanup.unshift(() => db.end());
    const seedStarted = performance.now();
    const centers: { students: number; centerId: string; apiKey: string }[] = [];
    for (const students of SIZES) centers.push({ students, ...(await seedCenter(db, students)) });
    await settle(db);
    const seedSeconds = Math.round((performance.now() - seedStarted) / 1000);

    const jwtSecret = randomBytes(32).toString('base64url');
    const server = await startBenchServer(database.url, {
      // The rate limit's counters in Redis, as a deployment of several api processes keeps them
      // (REDIS_URL= keeps them in PostgreSQL, the zero-setup default).
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      ADVISOR_JWT_SECRET: jwtSecret,
      GRAPHQL_RATE_LIMIT_PER_MINUTE: '100000', // the benchmark is one client, not abuse
    });
    cleanup.unshift(() => server.stop());
    const http = httpPoster();
    cleanup.unshift(() => Promise.resolve(http.close()));
    const graphqlUrl = `${server.baseUrl}/graphql`;
    const statements = async () => {
      const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
      return Number(/^db_statements_total (\d+)/m.exec(text)?.[1] ?? NaN);
    };

    const sizes: Record<string, Awaited<ReturnType<typeof measureCenter>>> = {};
    for (const center of centers) sizes[label(center.students)] = await measureCenter(center);

    async function measureCenter(center: { students: number; centerId: string; apiKey: string }) {
      const { centerId, apiKey } = center;
      const {
        rows: [counts],
      } = await db.query<Record<string, number>>(
        `SELECT (SELECT count(*) FROM students WHERE center_id = $1)::int AS students,
                (SELECT count(*) FROM interactions WHERE center_id = $1)::int AS interactions,
                (SELECT count(*) FROM gaps WHERE center_id = $1)::int AS gaps,
                (SELECT count(*) FROM gaps WHERE center_id = $1 AND state = 'OPEN')::int AS "openGaps",
                (SELECT count(DISTINCT student_id) FROM gaps WHERE center_id = $1 AND state = 'OPEN' AND opens_at <= now())::int AS "studentsWithOpenGaps",
                (SELECT count(*) FROM reminders WHERE center_id = $1)::int AS reminders`,
        [centerId],
      );
      step(
        `center of ${counts.students} students: ${counts.interactions} interactions, ${counts.gaps} gaps ` +
          `(${counts.openGaps} open, ${counts.studentsWithOpenGaps} students with an open gap), ${counts.reminders} reminders`,
      );
      const { rows: advisorRows } = await db.query<{ externalId: string; id: string; caseload: number }>(
        `SELECT a.external_id AS "externalId", a.id, (SELECT count(*) FROM students s WHERE s.advisor_id = a.id)::int AS caseload
         FROM advisors a WHERE a.center_id = $1 AND a.external_id = ANY($2)`,
        [centerId, [TYPICAL_ADVISOR, BIG_ADVISOR]],
      );
      const advisor = (externalId: string) => advisorRows.find((a) => a.externalId === externalId)!;
      const advisorToken = (externalId: string) =>
        new SignJWT({ sub: externalId, center: centerId, role: 'advisor' })
          .setProtectedHeader({ alg: 'HS256' })
          .setExpirationTime('3h')
          .sign(new TextEncoder().encode(jwtSecret));

      // The page request and its statement, for a viewer (an advisor's row id, or null: the director).
      const page = (
        token: string,
        filter: MissingFollowUpsFilter | null,
        after: string | null,
        url = graphqlUrl,
      ) =>
        graphqlData<{ studentsMissingFollowUps: Page }>(http.post, url, token, QUERY, {
          filter,
          first: PAGE,
          after,
        }).then((d) => d.studentsMissingFollowUps);
      const pageParams = (
        caseloadOf: string | null,
        filter: MissingFollowUpsFilter | null,
        after: string | null,
      ) => {
        const audit = caseloadOf
          ? {
              centerId,
              actor: `advisor:${advisorRows.find((a) => a.id === caseloadOf)!.externalId}`,
              role: 'advisor' as const,
              requestId: null,
            }
          : { centerId, actor: 'api-key:bench', role: 'director' as const, requestId: null };
        return missingFollowUpsParams(
          { centerId, caseloadOf, audit },
          filter,
          PAGE,
          after ? decodePageCursor(after) : null,
          new Date(),
        );
      };
      const pageSql = async (
        caseloadOf: string | null,
        filter: MissingFollowUpsFilter | null,
        after: string | null,
      ) =>
        (await db.query<{ total: number }>(MISSING_FOLLOW_UPS_SQL, pageParams(caseloadOf, filter, after)))
          .rows[0];
      const statsRange = () => {
        const to = new Date();
        return { from: new Date(to.getTime() - STATS_DAYS * 86_400_000), to };
      };

      /** Warm-up, then as many alternated pairs as fit in CASE_SECONDS (minIterations–200). */
      const run = async (
        name: string,
        request: () => Promise<{ totalCount: number | null }>,
        statement: () => Promise<{ total: number | null }>,
        minIterations = 30,
      ): Promise<CaseResult> => {
        const warmStarted = performance.now();
        const warmUps = minIterations < 30 ? 1 : 5;
        for (let i = 0; i < warmUps; i++) {
          await request();
          await statement();
        }
        const meanMs = (performance.now() - warmStarted) / warmUps;
        const iterations = Math.min(200, Math.max(minIterations, Math.floor((CASE_SECONDS * 1000) / meanMs)));
        // A /metrics scrape sends a statement of its own (its backlog gauge): two scrapes in a row measure it.
        const firstScrape = await statements();
        const scrapeCost = (await statements()) - firstScrape;
        const before = await statements();
        const answer = await request();
        const statementsPerRequest = (await statements()) - before - scrapeCost;
        const baseline = await statement();
        // Gaps open as the clock moves (opens_at <= now), so totals may differ by a few between two requests.
        if (
          answer.totalCount !== null &&
          Math.abs(baseline.total! - answer.totalCount) > answer.totalCount / 1000
        )
          throw new Error(`${name}: GraphQL and SQL disagree (${answer.totalCount} vs ${baseline.total})`);
        const [graphqlTiming, sqlTiming] = await alternate(
          `${label(center.students)}: ${name}`,
          iterations,
          request,
          statement,
        );
        return {
          totalCount: answer.totalCount,
          iterations,
          graphql: graphqlTiming,
          sql: sqlTiming,
          graphqlVsSqlP95: round2(graphqlTiming.p95Ms / sqlTiming.p95Ms),
          statementsPerRequest,
        };
      };

      const cases: Record<string, CaseResult & { caseload?: number }> = {};
      for (const [key, externalId] of [
        ['typicalAdvisor', TYPICAL_ADVISOR],
        ['bigAdvisor', BIG_ADVISOR],
      ] as const) {
        const { id, caseload } = advisor(externalId);
        const token = await advisorToken(externalId);
        cases[key] = {
          caseload,
          ...(await run(
            `${key} (${caseload} students), page 1`,
            () => page(token, null, null),
            () => pageSql(id, null, null),
          )),
        };
      }
      cases.directorPage1 = await run(
        'director, page 1',
        () => page(apiKey, null, null),
        () => pageSql(null, null, null),
      );
      let cursor: string | null = null;
      for (let i = 1; i < DIRECTOR_PAGE; i++) {
        const walked: Page = await page(apiKey, null, cursor);
        if (!walked.pageInfo.hasNextPage) throw new Error(`only ${i} director pages`);
        cursor = walked.pageInfo.endCursor;
      }
      cases.directorPage20 = await run(
        `director, page ${DIRECTOR_PAGE}`,
        () => page(apiKey, null, cursor),
        () => pageSql(null, null, cursor),
      );
      cases.directorNoMatch = await run(
        'director, kinds [OTHER] (nothing matches)',
        () => page(apiKey, WORST_FILTER, null),
        () => pageSql(null, WORST_FILTER, null),
      );
      cases.followUpStats = await run(
        `director, followUpStats (last ${STATS_DAYS} days)`,
        async () => {
          const { from, to } = statsRange();
          await graphqlData(http.post, graphqlUrl, apiKey, STATS_QUERY, { from, to });
          return { totalCount: null };
        },
        async () => {
          const { from, to } = statsRange();
          await db.query(
            FOLLOW_UP_STATS_SQL,
            followUpStatsParams({ centerId, caseloadOf: null }, null, from, to, to),
          );
          return { total: null };
        },
      );

      // The typical advisor's page again, served by the bare reference server (bare-graphql-server.ts): what is
      // left of the overhead without Express, Nest, Apollo and the service's cross-cutting features.
      const typical = advisor(TYPICAL_ADVISOR);
      const bareServer = await startBareGraphqlServer(database.url, {
        centerId,
        caseloadOf: typical.id,
        actor: `advisor:${TYPICAL_ADVISOR}`,
      });
      const bareUrl = `${bareServer.baseUrl}/graphql`;
      let bare: { graphql: Timing; sql: Timing; graphqlVsSqlP95: number };
      try {
        const barePage = () => page('', null, null, bareUrl);
        for (let i = 0; i < 5; i++) await barePage();
        if ((await barePage()).totalCount !== cases.typicalAdvisor.totalCount)
          throw new Error('the bare reference server and the service disagree');
        const [bareGraphql, bareSql] = await alternate(
          `${label(center.students)}: typical advisor, bare node:http + graphql-js`,
          cases.typicalAdvisor.iterations,
          barePage,
          () => pageSql(typical.id, null, null),
        );
        bare = {
          graphql: bareGraphql,
          sql: bareSql,
          graphqlVsSqlP95: round2(bareGraphql.p95Ms / bareSql.p95Ms),
        };
      } finally {
        await bareServer.stop();
      }

      const explain = async (sql: string, params: unknown[]) =>
        (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
      const directorPlan = await explain(MISSING_FOLLOW_UPS_SQL, pageParams(null, null, null));
      const { from, to } = statsRange();
      const statsPlan = await explain(
        FOLLOW_UP_STATS_SQL,
        followUpStatsParams({ centerId, caseloadOf: null }, null, from, to, to),
      );
      return { counts, cases, bare, plans: { directorPage1: directorPlan, followUpStats: statsPlan } };
    }

    // What HTTP, Nest and Apollo cost by themselves: the smallest GraphQL request (one scalar, no statement)
    // against the smallest statement, timed the same way; last, so its requests do not warm the service's
    // code for a shape the cases do not have.
    const floorToken = centers[0].apiKey;
    const apiVersion = async () => {
      const response = await http.post(graphqlUrl, floorToken, JSON.stringify({ query: '{ apiVersion }' }));
      if (response.status !== 200) throw new Error(`GraphQL ${response.status}: ${response.text}`);
    };
    for (let i = 0; i < 50; i++) await apiVersion();
    const [floorGraphql, floorSql] = await alternate(
      'floor: { apiVersion } vs SELECT 1',
      200,
      apiVersion,
      () => db.query('SELECT 1'),
    );
    const floor = { graphqlApiVersion: floorGraphql, sqlSelect1: floorSql };

    const small = sizes[label(SIZES[0])];
    const large = sizes[label(SIZES.at(-1)!)];
    const target = (value: number, limit: number) => ({ value: round2(value), limit, met: value <= limit });
    const p95 = (c: CaseResult) => c.graphql.p95Ms;
    // Exactly the names issue 15 gives; every other ratio is in `figures`.
    const targets: Record<string, { value: number; limit: number; met: boolean }> = {
      directorVsTypicalP95: target(p95(large.cases.directorPage1) / p95(large.cases.typicalAdvisor), 2),
      directorGrowthP95: target(p95(large.cases.directorPage1) / p95(small.cases.directorPage1), 1.5),
      page20VsPage1P95: target(p95(large.cases.directorPage20) / p95(large.cases.directorPage1), 1.5),
      statsVsTypicalP95: target(p95(large.cases.followUpStats) / p95(large.cases.typicalAdvisor), 3),
      graphqlVsBareP95: target(p95(large.cases.typicalAdvisor) / large.bare.graphql.p95Ms, 1.5),
      typicalAdvisorP95Ms: {
        value: p95(large.cases.typicalAdvisor),
        limit: 25,
        met: p95(large.cases.typicalAdvisor) < 25,
      },
    };

    for (const [size, result] of Object.entries(sizes)) {
      console.log('');
      console.log(`EXPLAIN (ANALYZE, BUFFERS), director, page 1, center of ${size} students:`);
      console.log(result.plans.directorPage1);
    }
    console.log('');
    console.log(
      `EXPLAIN (ANALYZE, BUFFERS), director, followUpStats, center of ${label(SIZES.at(-1)!)} students:`,
    );
    console.log(large.plans.followUpStats);
    console.log('');
    console.log(
      'size | case                  | total  | iter | GraphQL p50/p95 ms | SQL p50/p95 ms | p95 GraphQL/SQL | statements',
    );
    for (const [size, result] of Object.entries(sizes)) {
      const rows: [
        string,
        {
          totalCount?: number | null;
          iterations?: number;
          graphql: Timing;
          sql: Timing;
          graphqlVsSqlP95: number;
          statementsPerRequest?: number;
        },
      ][] = [...Object.entries(result.cases), ['bare reference', result.bare]];
      for (const [name, c] of rows) {
        console.log(
          `${size.padEnd(4)} | ${name.padEnd(21)} | ${String(c.totalCount ?? '-').padStart(6)} | ${String(c.iterations ?? '-').padStart(4)} | ` +
            `${`${c.graphql.p50Ms} / ${c.graphql.p95Ms}`.padStart(18)} | ${`${c.sql.p50Ms} / ${c.sql.p95Ms}`.padStart(14)} | ` +
            `${String(c.graphqlVsSqlP95).padStart(15)} | ${c.statementsPerRequest ?? '-'}`,
        );
      }
    }
    console.log(
      `floor (no statement): GraphQL { apiVersion } ${floor.graphqlApiVersion.p50Ms} / ${floor.graphqlApiVersion.p95Ms} ms, ` +
        `SELECT 1 through pg ${floor.sqlSelect1.p50Ms} / ${floor.sqlSelect1.p95Ms} ms (p50 / p95)`,
    );
    for (const [name, t] of Object.entries(targets))
      console.log(`target ${name}: ${t.value} (limit ${t.limit}) — ${t.met ? 'met' : 'NOT met'}`);
    const figures = Object.fromEntries(
      Object.entries(sizes).map(([size, r]) => [size, { counts: r.counts, cases: r.cases, bare: r.bare }]),
    );
    console.log(JSON.stringify({ sizes: SIZES, seedSeconds, floor, figures, targets }));
  } finally {
    for (const step of cleanup) await step().catch(() => undefined);
  }
}

await main();
