import type { AppConfig } from './config.js';
import type { Secrets } from './secrets.js';

/** Injection token for the resolved Runtime. */
export const RUNTIME = Symbol('RUNTIME');

/** Everything resolved before Nest starts: validated config, secrets, and where the database and queue live. */
export interface Runtime {
  config: AppConfig;
  secrets: Secrets;
  databaseUrl: string;
  /** `redis` when REDIS_URL is set, else BullMQ's PostgreSQL backend on the same database. */
  queueBackend: 'redis' | 'postgres';
  /**
   * Keeps this deployment's queues apart from others on the same Redis or database: the Redis key prefix, or
   * the PostgreSQL schema of BullMQ's tables. Defaults to BullMQ's own (`bull` / `bullmq`); tests set their own.
   */
  queueNamespace?: string;
}
