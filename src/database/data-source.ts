import { Logger } from '@nestjs/common';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import './pg-client-errors.js';
import { unlessStopping } from '../logging/shutdown-state.js';

// A DATE column is a calendar day, not an instant: keep it as 'YYYY-MM-DD' instead of a Date at local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

/** One definition of the database for the app, the tests and the TypeORM CLI: the schema comes from migrations only. */
export function dataSourceOptions(url: string | undefined): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [], // no entities: the schema is the migrations', every statement is SQL (docs/architecture.md)
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false, // run at boot by runMigrationsLocked, under an advisory lock
    applicationName: 'career-followup',
    // A connection that cannot be had in 10 s (database unreachable, pool exhausted) fails the request with a
    // 503 (isDatabaseUnavailable) instead of leaving it hanging.
    extra: { max: 10, connectionTimeoutMillis: 10_000 },
    poolErrorHandler: logPoolError,
  };
}

const poolLogger = new Logger('Database');
let lastPoolErrorLogged = 0;

/**
 * An idle pooled connection that dies (database restarted or unreachable) is reported here; without a listener
 * the pool's `error` event would crash the process. The pool replaces the connection on next use; requests
 * meanwhile get 503. Logged at most every 30 s so an outage does not flood the log.
 */
function logPoolError(error: Error): void {
  unlessStopping(
    () => {
      if (Date.now() - lastPoolErrorLogged < 30_000) return;
      lastPoolErrorLogged = Date.now();
      poolLogger.warn(`idle database connection lost (${error.message}); repeats are suppressed for 30 s`);
    },
    () => poolLogger.debug(`database connection closed while stopping (${error.message})`),
  );
}

/** Used by `npm run migration:*`; needs DATABASE_URL (the service itself migrates at boot). */
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL));
