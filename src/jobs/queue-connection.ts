import { createPostgresBackend, setDefaultBackendFactory, type ConnectionOptions } from 'bullmq';
import { redisOptions } from '../config/redis-options.js';
import type { Runtime } from '../config/runtime.js';

/** The PostgreSQL schema BullMQ's PostgreSQL backend keeps its tables in, beside ours. */
export const DEFAULT_PG_SCHEMA = 'bullmq';

/**
 * Connection options for every Queue and Worker. Without REDIS_URL, BullMQ's PostgreSQL backend becomes the
 * process-wide default before any queue is built, so the rest of the code cannot tell which one runs.
 */
export function queueConnection(runtime: Runtime): ConnectionOptions {
  if (runtime.queueBackend === 'postgres') {
    setDefaultBackendFactory(createPostgresBackend);
    return {
      connectionString: runtime.databaseUrl,
      schema: runtime.queueNamespace ?? DEFAULT_PG_SCHEMA,
      migrate: true,
      max: 5,
    };
  }
  if (!runtime.config.redisUrl) throw new Error('queueBackend is redis but REDIS_URL is not set');
  setDefaultBackendFactory(undefined);
  return redisOptions(runtime.config.redisUrl);
}
