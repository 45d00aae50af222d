import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { dispatchCenter, startDispatchTestApp } from '../helpers/dispatch-test-app.js';
import { spawnBuilt, type ServerProcess } from '../helpers/server-process.js';
import { eventually, type TestApp } from '../helpers/test-app.js';
import { middayZone, WebhookReceiver } from '../helpers/webhook-receiver.js';

const REMINDERS = Number(process.env.CHAOS_REMINDERS ?? 2000);
const SPREAD_MS = 30_000;

/**
 * Two worker processes deliver reminders falling due over ~30 s while one is SIGKILLed three times and Redis
 * is flushed once. Afterwards every reminder reached the receiver (nothing lost), each under one webhook-id,
 * and the number of duplicate deliveries is reported. PostgreSQL is the truth; the sweep rebuilds the queue.
 */
describe('worker crashes and a Redis flush lose no reminder', () => {
  const encryptionKey = randomBytes(32).toString('base64');
  const receiver = new WebhookReceiver();
  /** The API only (it runs no workers); the worker processes below share its database and queue namespace. */
  let api: TestApp;
  const workers: ServerProcess[] = [];
  const namespace = () => api.runtime.queueNamespace!;

  const workerEnv = () => ({
    DATABASE_URL: api.runtime.databaseUrl,
    REDIS_URL: process.env.TEST_REDIS_URL ?? '',
    PROCESS_ROLE: 'worker',
    PORT: '0',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'cfu-chaos-')),
    ENCRYPTION_KEY: encryptionKey,
    QUEUE_NAMESPACE: namespace(),
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    SWEEP_INTERVAL_SECONDS: '2',
    LOG_LEVEL: 'warn',
  });

  beforeAll(async () => {
    const url = await receiver.start();
    api = await startDispatchTestApp({ role: 'api', env: { ENCRYPTION_KEY: encryptionKey } });
    const { center } = await dispatchCenter(api, url);
    const zone = middayZone();
    for (let start = 0; start < REMINDERS; start += 1000) {
      const ids = Array.from({ length: Math.min(1000, REMINDERS - start) }, (_, i) => start + i);
      const students = ids.map((i) => ({
        externalId: `s-${i}`,
        name: `学生${i}`,
        email: `s${i}@student.example.ac.jp`,
        locale: 'ja',
        timezone: zone,
        advisorExternalId: 'adv-1',
      }));
      await api.http.post('/v1/students/bulk').set(center.auth).send({ items: students }).expect(200);
    }
    // Each student's first nudge (end + 3 h) falls due over the next 30 seconds.
    const base = Date.now() - 3 * 3600_000 + 5_000;
    for (let start = 0; start < REMINDERS; start += 1000) {
      const ids = Array.from({ length: Math.min(1000, REMINDERS - start) }, (_, i) => start + i);
      const items = ids.map((i) => ({
        externalId: `int-${i}`,
        studentExternalId: `s-${i}`,
        companyExternalId: 'cmp-1',
        kind: 'INFO_SESSION', // one thank-you nudge at end + 3 h, no check-ins
        occurredAt: new Date(base + Math.floor((i * SPREAD_MS) / REMINDERS)).toISOString(),
      }));
      await api.http.post('/v1/interactions/bulk').set(center.auth).send({ items }).expect(200);
    }
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await api.close(); // and drops its database
    await receiver.stop();
  });

  it('delivers every reminder at least once, each under a single webhook-id', async () => {
    const db = api.app.get(DataSource);
    // The first nudges; once sent, the sweep plans each gap's second nudge (a day later), which is not waited for.
    const firstNudges = (
      await db.query<{ id: string }[]>(`SELECT id FROM reminders WHERE status = 'SCHEDULED'`)
    ).map((r) => r.id);
    expect(firstNudges).toHaveLength(REMINDERS);

    workers.push(spawnBuilt('src/main.js', workerEnv()), spawnBuilt('src/main.js', workerEnv()));
    const started = Date.now();
    const at = (ms: number) =>
      new Promise((resolve) => setTimeout(resolve, Math.max(0, started + ms - Date.now())));
    for (const [index, when] of [6_000, 13_000, 22_000].entries()) {
      await at(when);
      const victim = workers[index % 2];
      victim.child.kill('SIGKILL');
      await victim.exited;
      workers[index % 2] = spawnBuilt('src/main.js', workerEnv());
      if (index === 1 && process.env.TEST_REDIS_URL) {
        const redis = new Redis(process.env.TEST_REDIS_URL);
        const keys = await redis.keys(`${namespace()}:*`);
        if (keys.length) await redis.del(...keys); // this deployment's whole queue state is gone
        redis.disconnect();
      }
    }

    await eventually(
      async () => {
        const [row] = await db.query(
          `SELECT count(*) FILTER (WHERE status <> 'SENT')::int AS pending FROM reminders WHERE id = ANY($1::uuid[])`,
          [firstNudges],
        );
        return row.pending === 0 ? true : undefined;
      },
      180_000,
      'every reminder to be SENT',
    );
    const idsByReminder = new Map<string, Set<string>>();
    for (const request of receiver.received) {
      const reminderId = (JSON.parse(request.body) as { data: { reminderId: string } }).data.reminderId;
      idsByReminder.set(
        reminderId,
        (idsByReminder.get(reminderId) ?? new Set()).add(request.headers['webhook-id']),
      );
    }
    const lost = REMINDERS - idsByReminder.size;
    const duplicates = receiver.received.length - idsByReminder.size;
    process.stdout.write(
      `\nchaos: ${REMINDERS} reminders, lost ${lost}, duplicate deliveries ${duplicates}\n`,
    );
    expect(lost).toBe(0);
    for (const ids of idsByReminder.values()) expect(ids.size).toBe(1);
  }, 240_000);
});
