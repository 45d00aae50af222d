import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { freshDatabase } from './helpers/fresh-database.js';
import { spawnBuilt } from './helpers/server-process.js';

/**
 * On BullMQ's PostgreSQL backend each queue and worker sets up its connection once and keeps a failure for
 * good; a worker whose setup failed then retried its fetch without ever yielding to the event loop (100 % CPU,
 * deaf to signals: a Ctrl-C right after start-up, which stops the embedded PostgreSQL too, hung the process).
 * The service now says "listening" only after every queue connection is set up, and refuses to start if one
 * cannot be. Here BullMQ's tables belong to a newer BullMQ, which this one must not touch.
 */
describe('the job queue on PostgreSQL must be usable before the service listens', () => {
  const schema = 'cfu_queue_from_the_future';
  let database: { url: string; drop: () => Promise<void> };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cfu-queue-ready-'));

  beforeAll(async () => {
    database = await freshDatabase(true);
    const client = new pg.Client({ connectionString: database.url });
    client.on('error', () => undefined);
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(
      `CREATE TABLE ${schema}.migration (version integer PRIMARY KEY, name text NOT NULL,
         min_client_version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    await client.query(`INSERT INTO ${schema}.migration VALUES (999, 'from a future BullMQ', 99, now())`);
    await client.end();
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses to start, naming the schema and the reason, and never says it listens', async () => {
    const server = spawnBuilt('src/main.js', {
      DATABASE_URL: database.url,
      QUEUE_NAMESPACE: schema,
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'info',
    });
    // Whichever comes first: an exit (the fix) or a "listening" line (the bug, with a worker spinning).
    const deadline = Date.now() + 60_000;
    let code: number | string | undefined;
    void server.exited.then((c) => (code = c));
    while (code === undefined && !server.stdout.some((line) => line.includes('"msg":"listening'))) {
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (code === undefined) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    expect(server.stdout.filter((line) => line.includes('"msg":"listening'))).toEqual([]);
    expect(code).toBe(1);
    const message = server.stderr.join('\n');
    expect(message).toContain(`The job queue could not use its tables in PostgreSQL (schema "${schema}")`);
    expect(message).toMatch(/99/); // BullMQ's own reason: the tables need a newer major version
    expect(message).not.toMatch(/\n\s+at /); // a message to act on, not a stack trace
  }, 90_000);
});
