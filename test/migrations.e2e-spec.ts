import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import { dataSourceOptions } from '../src/database/data-source.js';
import { runMigrationsLocked } from '../src/database/migrate.js';
import { spawnBuilt } from './helpers/server-process.js';

/** A new, empty database on the test server, so migrations start from nothing. */
async function freshDatabase(): Promise<string> {
  const server = process.env.TEST_DATABASE_URL!;
  const name = `cfu_migrate_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL! });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
}

describe('migrations', () => {
  it('three processes started at once migrate exactly once', async () => {
    const databaseUrl = await freshDatabase();
    try {
      const processes = [1, 2, 3].map(() =>
        spawnBuilt('src/database/migrate.main.js', { DATABASE_URL: databaseUrl }),
      );
      expect(await Promise.all(processes.map((p) => p.exited))).toEqual([0, 0, 0]);
      const logs = processes.map((p) => p.stdout.join('\n'));
      expect(logs.filter((l) => l.includes('migrations applied'))).toHaveLength(1);
      expect(logs.filter((l) => l.includes('schema up to date'))).toHaveLength(2);

      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      const rows = await client.query(
        'SELECT name, count(*)::int AS n FROM typeorm_migrations GROUP BY name',
      );
      await client.end();
      expect(rows.rows).toHaveLength(MIGRATIONS.length);
      expect(rows.rows.every((r: { n: number }) => r.n === 1)).toBe(true);
    } finally {
      await dropDatabase(databaseUrl);
    }
  });

  it('every migration reverts cleanly and applies again', async () => {
    const databaseUrl = await freshDatabase();
    const dataSource = new DataSource(dataSourceOptions(databaseUrl));
    await dataSource.initialize();
    try {
      expect(await runMigrationsLocked(dataSource)).toHaveLength(MIGRATIONS.length);
      for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration();
      const tables = await dataSource.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'`,
      );
      expect(tables).toEqual([]);
      expect(await runMigrationsLocked(dataSource)).toHaveLength(MIGRATIONS.length);
    } finally {
      await dataSource.destroy();
      await dropDatabase(databaseUrl);
    }
  });
});
