import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';

const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for one benchmark run, on DATABASE_URL's server, else the local PostgreSQL if it answers,
 * else an embedded one; dropped afterwards.
 */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  let server = process.env.DATABASE_URL || LOCAL_SERVER;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!(await answers(server))) {
    const embedded = await startEmbeddedPostgres(mkdtempSync(path.join(tmpdir(), 'cfu-bench-pg-')), {
      info: () => {},
      debug: () => {},
    });
    server = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const name = `cfu_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(server, `CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await adminQuery(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await stopEmbedded?.();
    },
  };
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
