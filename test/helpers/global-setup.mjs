// Plain JavaScript on purpose: Jest loads globalSetup outside its module system, where TypeScript sources
// cannot be imported. It uses the build that `npm test` makes first (the `pretest` script).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../dist/src/database/data-source.js';
import { startEmbeddedPostgres } from '../../dist/src/database/embedded-postgres.js';
import { runMigrationsLocked } from '../../dist/src/database/migrate.js';

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';
/** Database the tests use on a local server; created if missing, never dropped: tests isolate by center. */
const LOCAL_TEST_DATABASE = 'career_followup_test';

/**
 * Chooses the services once for the whole run and hands them to the test workers as TEST_DATABASE_URL and
 * TEST_REDIS_URL: DATABASE_URL/REDIS_URL when set; else, when they are not set at all, PostgreSQL and Redis on their usual local ports when
 * they answer; else an embedded PostgreSQL (and BullMQ's PostgreSQL backend), so `npm test` needs nothing installed.
 */
export default async function globalSetup() {
  // Set-but-empty means "do not use a server": `DATABASE_URL= REDIS_URL= npm test` runs on the embedded defaults.
  let databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl === undefined && (await postgresAnswers(LOCAL_POSTGRES))) {
    databaseUrl = await createDatabase(LOCAL_POSTGRES, LOCAL_TEST_DATABASE);
    await dropLeftoverTestDatabases(LOCAL_POSTGRES);
  }
  if (!databaseUrl) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cfu-test-pg-'));
    const embedded = await startEmbeddedPostgres(dataDir, { info: () => undefined, debug: () => undefined });
    globalThis.stopEmbeddedTestPostgres = embedded.stop;
    databaseUrl = embedded.url;
  }
  let redisUrl = process.env.REDIS_URL;
  if (redisUrl === undefined && (await redisAnswers(LOCAL_REDIS))) redisUrl = LOCAL_REDIS;

  process.env.TEST_DATABASE_URL = databaseUrl;
  process.env.TEST_REDIS_URL = redisUrl ?? '';
  const dataSource = new DataSource(dataSourceOptions(databaseUrl));
  await dataSource.initialize();
  await runMigrationsLocked(dataSource);
  await dataSource.destroy();
  const host = (url) => new URL(url).host;
  process.stdout.write(
    `\ntests use PostgreSQL at ${host(databaseUrl)} and ${redisUrl ? `Redis at ${host(redisUrl)}` : 'BullMQ on PostgreSQL'}\n`,
  );
}

async function postgresAnswers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisAnswers(url) {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** Older than any run takes: a run that was killed left it (freshDatabase names them with their creation time). */
const LEFTOVER_AFTER_SECONDS = 6 * 3600;

/** Drops the per-test databases killed runs left on the local server; never one that is in use. */
async function dropLeftoverTestDatabases(serverUrl) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT datname FROM pg_database d
       WHERE CASE WHEN datname ~ '^cfu_test_[0-9]{1,12}_[0-9a-f]+$' THEN split_part(datname, '_', 3)::bigint END
               < extract(epoch FROM now()) - $1
         AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)`,
      [LEFTOVER_AFTER_SECONDS],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}"`);
    if (rows.length) process.stdout.write(`\ndropped ${rows.length} test database(s) left by killed runs\n`);
  } finally {
    await client.end();
  }
}

async function createDatabase(serverUrl, name) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } catch (error) {
    // Two runs creating it at once: the loser sees a duplicate; the database is there either way.
    if (!['42P04', '23505'].includes(error.code)) throw error;
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
