import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';

// A DATE column is a calendar day, not an instant: keep it as 'YYYY-MM-DD' instead of a Date at local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

/** One definition of the database for the app, the tests and the TypeORM CLI: the schema comes from migrations only. */
export function dataSourceOptions(url: string | undefined): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false, // run at boot by runMigrationsLocked, under an advisory lock
    applicationName: 'career-followup',
    extra: { max: 10 },
  };
}

/** Used by `npm run migration:*`; needs DATABASE_URL (the service itself migrates at boot). */
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL));
