import type { DataSource, Migration } from 'typeorm';

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
