import pg from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import { dataSourceOptions } from '../src/database/data-source.js';
import { runMigrationsLocked } from '../src/database/migrate.js';
import { freshDatabase } from './helpers/fresh-database.js';
import { spawnBuilt } from './helpers/server-process.js';

describe('migrations', () => {
  it('three processes started at once migrate exactly once', async () => {
    const { url: databaseUrl, drop } = await freshDatabase(false);
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
      await drop();
    }
  });

  it('every migration reverts cleanly and applies again', async () => {
    const { url: databaseUrl, drop } = await freshDatabase(false);
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
      await drop();
    }
  });
});
