import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { runMigrationsLocked } from '../../src/database/migrate.js';

/**
 * A new database on the test server, for tests whose background work must not meet other tests' processes
 * (every worker's sweep scans the whole database it is given). `migrated` applies the migrations.
 */
export async function freshDatabase(migrated: boolean): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = process.env.TEST_DATABASE_URL!;
  // The creation time in the name lets a later run drop what a killed run left (global-setup.mjs).
  const name = `cfu_test_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  await admin(server, `CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  if (migrated) {
    const dataSource = new DataSource(dataSourceOptions(url.toString()));
    await dataSource.initialize();
    await runMigrationsLocked(dataSource);
    await dataSource.destroy();
  }
  return { url: url.toString(), drop: () => admin(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

async function admin(server: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
