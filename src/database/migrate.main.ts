import 'reflect-metadata';
import { loadConfig } from '../config/config.js';
import { createRootLogger } from '../logging/logger.js';
import { migrateDatabase } from './migrate.js';

/**
 * One-shot migration (the `migrate` service in docker/compose.yml): applies pending migrations under the same
 * advisory lock the service takes at boot, then exits. Needs DATABASE_URL.
 */
try {
  const config = loadConfig(process.env);
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required to run migrations on their own');
  await migrateDatabase(config.databaseUrl, createRootLogger(config.logLevel));
} catch (error) {
  process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
