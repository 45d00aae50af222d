import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp } from '../../src/bootstrap/create-app.js';
import type { Clock } from '../../src/common/clock.js';
import { loadConfig } from '../../src/config/config.js';
import type { Runtime } from '../../src/config/runtime.js';
import { ensureSecrets } from '../../src/config/secrets.js';
import { freshDatabase } from './fresh-database.js';

export interface TestApp {
  app: INestApplication;
  http: TestAgent;
  runtime: Runtime;
  /** Every log line the app wrote, as JSON text. */
  logs: string[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  role?: 'all' | 'api' | 'worker';
  clock?: Clock;
  env?: Record<string, string>;
  /** A database of the test's own (see freshDatabase), instead of the shared one. */
  databaseUrl?: string;
  /** Overrides the Redis the tests use (e.g. one that does not answer). */
  redisUrl?: string;
  /** A queue namespace of the test's own, for tests that must know which process consumed a job. */
  queueNamespace?: string;
  /**
   * A fresh database and queue namespace of the app's own, dropped on close: for tests with an injected clock
   * or background work, since every other test process's worker sweeps its whole database and takes jobs
   * from its namespace (with the real clock).
   */
  isolated?: boolean;
}

/** What the application runs on in a test, before it is built: see testRuntime. */
export interface TestRuntime {
  runtime: Runtime;
  /** Writes every line into `logs`. */
  logger: pino.Logger;
  logs: string[];
  /** Drops the database of an isolated runtime (a no-op otherwise), once the app using it is closed. */
  drop(): Promise<void>;
}

/**
 * The runtime (config, secrets, database and queue namespace) and logger that startTestApp builds its app
 * on, for tests that build a Nest module of their own on the same services.
 */
export async function testRuntime(options: Omit<TestAppOptions, 'clock'> = {}): Promise<TestRuntime> {
  const ownDatabase = options.isolated ? await freshDatabase(true) : undefined;
  const databaseUrl = ownDatabase?.url ?? options.databaseUrl ?? process.env.TEST_DATABASE_URL!;
  const redisUrl = options.redisUrl ?? (process.env.TEST_REDIS_URL || undefined);
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'cfu-test-')),
    PROCESS_ROLE: options.role ?? 'all',
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    ...options.env,
  });
  const secrets = await ensureSecrets(config, () => undefined);
  const runtime: Runtime = {
    config,
    secrets,
    databaseUrl,
    queueBackend: redisUrl ? 'redis' : 'postgres',
    queueNamespace: options.isolated ? `cfu_test_${randomBytes(4).toString('hex')}` : options.queueNamespace,
  };
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  return { runtime, logger, logs, drop: async () => ownDatabase?.drop() };
}

/** The real application, in this process, on the services global-setup chose, with its own secrets. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { runtime, logger, logs, drop } = await testRuntime(options);
  const app = await createApp({ runtime, logger, clock: options.clock });
  await app.init();
  const close = async () => {
    await app.close();
    await drop();
  };
  return { app, http: request(app.getHttpServer()), runtime, logs, close };
}

export interface TestCenter {
  id: string;
  apiKey: string;
  auth: { Authorization: string };
}

/** A fresh center per test: tests never share data, so they can run in parallel without truncating tables. */
export async function createCenter(t: TestApp, name = 'テスト大学 キャリアセンター'): Promise<TestCenter> {
  const response = await t.http
    .post('/v1/centers')
    .set('Authorization', `Bearer ${t.runtime.secrets.adminApiKey}`)
    .send({ name, timezone: 'Asia/Tokyo' })
    .expect(201);
  const body = response.body as { id: string; apiKey: string };
  return { id: body.id, apiKey: body.apiKey, auth: { Authorization: `Bearer ${body.apiKey}` } };
}

/**
 * Walks a REST list `limit` items at a time, following nextCursor: the ids of every page in order, and how
 * many pages it took. Every page must answer 200 with at most `limit` items.
 */
export async function walkPages(
  t: TestApp,
  center: TestCenter,
  path: string,
  limit: number,
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await t.http
      .get(path)
      .query({ limit, ...(cursor ? { cursor } : {}) })
      .set(center.auth)
      .expect(200);
    const body = page.body as { items: { id: string }[]; nextCursor: string | null };
    expect(body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...body.items.map((item) => item.id));
    cursor = body.nextCursor;
    pages++;
  } while (cursor);
  return { ids, pages };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 15000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
