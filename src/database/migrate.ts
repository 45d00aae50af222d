import type { Logger } from 'pino';
import { DataSource, type Migration } from 'typeorm';
import { dataSourceOptions } from './data-source.js';

/** Arbitrary but fixed: every process of this service takes this lock before migrating. */
const MIGRATION_LOCK_KEY = 0x43465553; // "CFUS"

/**
 * Runs pending migrations while holding a session-level PostgreSQL advisory lock, so processes that start
 * together wait for each other and each migration runs exactly once; the others find nothing pending.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/** Connects, migrates under the lock, disconnects: what every process does before it serves anything. */
export async function migrateDatabase(databaseUrl: string, logger: Logger): Promise<void> {
  const dataSource = new DataSource({ ...dataSourceOptions(databaseUrl), extra: { max: 2 } });
  await dataSource.initialize();
  try {
    const applied = await runMigrationsLocked(dataSource);
    logger.info(
      { applied: applied.map((m) => m.name) },
      applied.length ? 'migrations applied' : 'schema up to date',
    );
  } finally {
    await dataSource.destroy();
  }
}
