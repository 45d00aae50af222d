/**
 * npm run bench:dispatch — schedules 20,000 reminders due at one instant (BENCH_REMINDERS scales it),
 * dispatches them with one worker process to a loopback receiver that answers at once, and prints delivered
 * reminders per second and lateness (due instant → first 2xx). Baselines in the same run, same machine and
 * Redis (or PostgreSQL backend): BullMQ no-op jobs of the same count and concurrency (a), a raw keep-alive
 * HTTP POST loop to the same receiver (b), HMAC-SHA256 signing of the same bodies (c); their combined
 * ceiling is 1 / (1/a + 1/b + 1/c). It also measures the lateness of raw delayed no-op jobs.
 * The last line of output is one JSON object with every figure.
 */
import { Queue, Worker, createPostgresBackend, setDefaultBackendFactory } from 'bullmq';
import { createHmac, randomBytes } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { migrateDatabase } from '../src/database/migrate.js';
import { redisOptions } from '../src/config/redis-options.js';
import { createRootLogger } from '../src/logging/logger.js';
import { createBenchDatabase } from './bench-database.js';
import { startBenchServer } from './bench-server.js';
import { Progress, step } from './progress.js';
import { spawn } from 'node:child_process';

const COUNT = Number(process.env.BENCH_REMINDERS ?? 20_000);
const CONCURRENCY = 32; // the deliveries processor's concurrency
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50Ms: Math.round(percentile(sorted, 50)),
    p99Ms: Math.round(percentile(sorted, 99)),
    maxMs: Math.round(sorted[sorted.length - 1]),
  };
};

async function main(): Promise<void> {
  step(`bench:dispatch — ${COUNT} reminders due at one instant`);
  // BENCH_QUEUE=postgres measures BullMQ's PostgreSQL backend instead of Redis, for the service and baselines alike.
  const usePostgresQueue = process.env.BENCH_QUEUE === 'postgres';
  const queueEnv = { REDIS_URL: usePostgresQueue ? '' : redisUrl };
  const database = await createBenchDatabase();
  await migrateDatabase(database.url, createRootLogger('warn'));
  const namespace = `bench_${randomBytes(4).toString('hex')}`;

  // The receiver: answers 200 at once, records when each reminder first arrived.
  const firstArrival = new Map<string, number>();
  let requests = 0;
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      const id = req.headers['webhook-id'];
      if (typeof id === 'string' && !firstArrival.has(id)) firstArrival.set(id, Date.now());
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

  const encryptionKey = randomBytes(32).toString('base64');
  const cleanup: (() => Promise<unknown>)[] = [
    () => database.drop(),
    () => new Promise((resolve) => receiver.close(resolve)),
  ];
  try {
    const server = await startBenchServer(database.url, {
      ...queueEnv,
      QUEUE_NAMESPACE: namespace,
      ENCRYPTION_KEY: encryptionKey,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    });
    cleanup.unshift(() => server.stop());
    const post = async (p: string, key: string, body: unknown) => {
      const response = await fetch(`${server.baseUrl}${p}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${p}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, string>>;
    };
    const put = (p: string, key: string, body: unknown) =>
      fetch(`${server.baseUrl}${p}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });

    step('seeding students and interactions through the API (not timed)');
    const center = (await (
      await fetch(`${server.baseUrl}/v1/centers`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${server.adminKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'bench', timezone: 'UTC' }),
      })
    ).json()) as { apiKey: string };
    await post('/v1/webhook-endpoints', center.apiKey, {
      url: receiverUrl,
      eventTypes: ['followup.reminder'],
    });
    await put('/v1/advisors/adv', center.apiKey, {
      name: '相談員',
      email: 'a@example.ac.jp',
      timezone: 'UTC',
    });
    await put('/v1/companies/cmp', center.apiKey, { name: '株式会社サンプル商事' });
    const zone = middayZone();
    const seeding = new Progress('seeding', Math.ceil(COUNT / 1000) * 2);
    let seeded = 0;
    for (let start = 0; start < COUNT; start += 1000) {
      const ids = Array.from({ length: Math.min(1000, COUNT - start) }, (_, i) => start + i);
      await post('/v1/students/bulk', center.apiKey, {
        items: ids.map((i) => ({
          externalId: `s-${i}`,
          name: `学生${i}`,
          email: `s${i}@example.ac.jp`,
          locale: 'ja',
          timezone: zone,
          advisorExternalId: 'adv',
        })),
      });
      seeding.update(++seeded);
    }
    // Every first nudge (end + 3 h) falls due at one instant, once seeding is surely over.
    const dueAt = Date.now() + 20_000 + COUNT; // ~20 s plus 1 ms per reminder of seeding headroom
    for (let start = 0; start < COUNT; start += 1000) {
      const ids = Array.from({ length: Math.min(1000, COUNT - start) }, (_, i) => start + i);
      await post('/v1/interactions/bulk', center.apiKey, {
        items: ids.map((i) => ({
          externalId: `i-${i}`,
          studentExternalId: `s-${i}`,
          companyExternalId: 'cmp',
          kind: 'INFO_SESSION',
          occurredAt: new Date(dueAt - 3 * 3600_000).toISOString(),
        })),
      });
      seeding.update(++seeded);
    }
    if (Date.now() > dueAt - 3000)
      throw new Error('seeding took too long for the due instant; lower BENCH_REMINDERS');

    step('starting one worker process; waiting for the due instant');
    // BENCH_PROFILE=<dir> profiles the worker too: that is where dispatch spends its CPU.
    const profile = process.env.BENCH_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
      : [];
    const worker = spawn(
      process.execPath,
      [...profile, path.resolve(import.meta.dirname, '../src/main.js')],
      {
        env: {
          ...process.env,
          DATABASE_URL: database.url,
          ...queueEnv,
          PROCESS_ROLE: 'worker',
          PORT: '0',
          DATA_DIR: mkdtempSync(path.join(tmpdir(), 'cfu-bench-w-')),
          QUEUE_NAMESPACE: namespace,
          ENCRYPTION_KEY: encryptionKey,
          WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
          LOG_LEVEL: 'warn',
          NODE_ENV: 'production',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    cleanup.unshift(() => {
      if (worker.exitCode === null) worker.kill('SIGKILL');
      return Promise.resolve();
    });
    const delivering = new Progress('delivered', COUNT);
    for (;;) {
      delivering.update(firstArrival.size);
      if (firstArrival.size >= COUNT) break;
      if (Date.now() > dueAt + 600_000) throw new Error('not every reminder arrived within 10 minutes');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const dispatchRequests = requests;
    const lateness = [...firstArrival.values()].map((t) => t - dueAt);
    const lastArrival = Math.max(...firstArrival.values());
    const deliveredPerSecond = Math.round(COUNT / ((lastArrival - dueAt) / 1000));
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));
    await server.stop();

    // Baselines, same machine, same queue backend.
    if (usePostgresQueue) setDefaultBackendFactory(createPostgresBackend);
    const connection = usePostgresQueue
      ? ({ connectionString: database.url, schema: `${namespace}_base`, migrate: true } as never)
      : redisOptions(redisUrl);
    const noOp = async (delayMs: number) => {
      const name = `noop-${randomBytes(3).toString('hex')}`;
      const queue = new Queue(name, { connection, prefix: `${namespace}_base` });
      const done: number[] = [];
      const worker = new Worker(name, async () => {}, {
        connection,
        prefix: `${namespace}_base`,
        concurrency: CONCURRENCY,
      });
      worker.on('completed', () => done.push(Date.now()));
      const due = Date.now() + delayMs;
      for (let start = 0; start < COUNT; start += 1000) {
        await queue.addBulk(
          Array.from({ length: Math.min(1000, COUNT - start) }, (_, i) => ({
            name: 'noop',
            data: { i: start + i },
            opts: { delay: Math.max(0, due - Date.now()), removeOnComplete: true },
          })),
        );
      }
      const started = delayMs ? due : Date.now();
      while (done.length < COUNT) await new Promise((resolve) => setTimeout(resolve, 50));
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      return {
        perSecond: Math.round(COUNT / ((Math.max(...done) - Math.min(started, ...done)) / 1000)),
        lateness: done.map((t) => t - due),
      };
    };
    step('baseline a: BullMQ no-op jobs');
    const a = (await noOp(0)).perSecond;
    step('baseline: raw delayed no-op jobs (lateness)');
    const delayed = summary((await noOp(5000)).lateness);

    step('baseline b: raw keep-alive HTTP POST loop');
    const body = JSON.stringify({ type: 'followup.reminder', data: { padding: 'x'.repeat(1500) } });
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    let next = 0;
    const httpStarted = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < COUNT) {
          await new Promise<void>((resolve, reject) => {
            const req = request(
              receiverUrl,
              {
                method: 'POST',
                agent,
                headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
              },
              (res) => {
                res.resume();
                res.on('end', resolve);
              },
            );
            req.on('error', reject);
            req.end(body);
          });
        }
      }),
    );
    const b = Math.round(COUNT / ((performance.now() - httpStarted) / 1000));
    agent.destroy();

    step('baseline c: HMAC-SHA256 signing');
    const key = randomBytes(32);
    const signStarted = performance.now();
    for (let i = 0; i < COUNT; i++)
      createHmac('sha256', key).update(`msg_${i}.${Date.now()}.${body}`).digest('base64');
    const c = Math.round(COUNT / ((performance.now() - signStarted) / 1000));

    const ceiling = Math.round(1 / (1 / a + 1 / b + 1 / c));
    const delivered = summary(lateness);
    const report = {
      reminders: COUNT,
      deliveredPerSecond,
      lateness: delivered,
      duplicateRequests: dispatchRequests - COUNT,
      baselines: {
        bullmqNoOpPerSecond: a,
        httpPostPerSecond: b,
        hmacPerSecond: c,
        combinedCeilingPerSecond: ceiling,
        rawDelayedJobLateness: delayed,
      },
      ratios: {
        deliveredVsCeiling: Math.round((deliveredPerSecond / ceiling) * 1000) / 1000,
        latenessP99VsRawDelayedP99: Math.round((delivered.p99Ms / Math.max(1, delayed.p99Ms)) * 1000) / 1000,
      },
      targets: { deliveredVsCeiling: 0.6, latenessP99VsRawDelayedP99: 1.3 },
    };
    console.log('');
    console.log(
      `delivered: ${deliveredPerSecond} reminders/s; lateness p50 ${delivered.p50Ms} ms, p99 ${delivered.p99Ms} ms, max ${delivered.maxMs} ms`,
    );
    console.log(
      `baselines: BullMQ no-op ${a}/s, HTTP POST ${b}/s, HMAC ${c}/s → ceiling ${ceiling}/s; raw delayed jobs p99 ${delayed.p99Ms} ms`,
    );
    console.log(
      `ratios: delivered / ceiling = ${report.ratios.deliveredVsCeiling} (target ≥ 0.6); lateness p99 / raw = ${report.ratios.latenessP99VsRawDelayedP99} (target ≤ 1.3)`,
    );
    console.log(JSON.stringify(report));
  } finally {
    for (const step of cleanup) await step().catch(() => undefined);
  }
}

/** A zone where it is about midday now, so quiet hours do not move the reminders. */
function middayZone(): string {
  const offset = ((12 - new Date().getUTCHours() + 36) % 24) - 12; // -12 … +11
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`; // Etc/ signs are inverted
}

await main();
