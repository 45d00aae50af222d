/**
 * npm run bench:dispatch — how fast and how punctually the service turns due reminders into signed webhooks,
 * against baselines measured in the same run, on the same machine and queue backend (Redis, or BullMQ's
 * PostgreSQL backend with BENCH_QUEUE=postgres). Both service phases go through the real service path: the
 * built service as an api process (seeding) and one worker process (dispatch), a real database, the delayed
 * BullMQ dispatch jobs the service schedules itself, and a loopback HTTP receiver in this process that
 * answers 200 at once.
 *
 * 1. Burst: 20,000 reminders (BENCH_REMINDERS scales it) due at one instant. Students, then INFO_SESSION
 *    interactions with occurredAt = due − 3 h (so every first nudge falls due at that instant), are seeded
 *    through the API, not timed; the worker process, started with the api process, is ready before the due
 *    instant is chosen. Timed: due instant → the receiver's first 2xx of each reminder (by `webhook-id`);
 *    delivered per second = reminders / (last first 2xx − due instant). For context only: the lateness of as
 *    many raw no-op BullMQ jobs delayed to one instant.
 * 2. Baselines: BullMQ no-op jobs of the same count and concurrency (a), a raw keep-alive HTTP POST loop to
 *    the same receiver (b), HMAC-SHA256 signing of the same bodies (c); combined ceiling
 *    1 / (1/a + 1/b + 1/c). Target `burstVsCeiling` = burst delivered per second / ceiling: at least 0.6.
 * 3. Steady: reminders falling due evenly over BENCH_STEADY_SECONDS (default 60) at 30 % of that ceiling,
 *    reminder i due at T0 + i / rate (each at its own millisecond, so each write schedules one delayed
 *    dispatch job per reminder), after a warm-up of the same pace over the 5 s before T0 that is not measured
 *    (a worker's first claims and connections are slow, and at ~1,000/s half a second of them would be the
 *    p99). On a fresh database and queue namespace, so the burst's sent reminders leave no replanning for
 *    this phase's sweeps. Every reminder exists before T0: students, then interactions (occurredAt =
 *    due − 3 h) are seeded through the API as in the burst, and the database is checked to hold exactly one
 *    scheduled reminder per student at its intended instant; the worker process, started with the api
 *    process, is ready before T0 is chosen, and the api process is stopped before the warm-up. In the window
 *    only the worker, PostgreSQL, the queue and the receiver work; the worker's periodic sweep (every 30 s,
 *    which also replans the students of sent reminders) runs as in production. Timed: each reminder's due
 *    instant → the receiver's first 2xx for it (the receiver reads the student's external id from the first
 *    body of each `webhook-id`); the p99 per 10 s of due instants shows where in the window the late ones
 *    were. Then the same arrivals (warm-up included, and not measured) as raw no-op BullMQ jobs: a queue and
 *    a worker of the deliveries' concurrency in this process, every job added before the first falls due
 *    with delay = due instant − now; timed: processing start − due instant. p50/p95/p99/max of both
 *    (Date.now(), whole milliseconds). Target `steadyLatenessP99VsRaw` = service p99 / raw p99: at most 1.5.
 *    A raw p99 under 1 ms counts as 1 ms in the denominator, and the output says so (`rawP99FlooredToMs`).
 *
 * The last line of output is one JSON object with every figure and a `targets` object of
 * `{ value, limit, met }`. BENCH_REMINDERS=2000 BENCH_STEADY_SECONDS=15 makes a quick smoke run.
 */
import {
  Queue,
  Worker,
  createPostgresBackend,
  setDefaultBackendFactory,
  type ConnectionOptions,
} from 'bullmq';
import { createHmac, randomBytes } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { migrateDatabase } from '../src/database/migrate.js';
import { redisOptions } from '../src/config/redis-options.js';
import { QUEUES } from '../src/jobs/queue-names.js';
import { createRootLogger } from '../src/logging/logger.js';
import { createBenchDatabase, type BenchDatabase } from './bench-database.js';
import { startBenchServer, type BenchServer } from './bench-server.js';
import { Progress, step } from './progress.js';
import { spawn } from 'node:child_process';

const COUNT = Number(process.env.BENCH_REMINDERS ?? 20_000);
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 60);
/** The steady phase's pace, as a share of the combined ceiling. */
const STEADY_SHARE = 0.3;
/** The steady pace starts this long before the measured window, unmeasured, so that it measures a warm worker. */
const WARMUP_SECONDS = 5;
const CONCURRENCY = 32; // the deliveries processor's concurrency
const BURST_TARGET = 0.6;
const STEADY_TARGET = 1.5;
/** The raw p99's floor in the steady ratio's denominator: Date.now() counts whole milliseconds. */
const RAW_P99_FLOOR_MS = 1;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

if (!(Number.isInteger(COUNT) && COUNT > 0)) throw new Error('BENCH_REMINDERS must be a positive integer');
if (!(STEADY_SECONDS > 0)) throw new Error('BENCH_STEADY_SECONDS must be a positive number of seconds');

interface Lateness {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round1 = (n: number) => Math.round(n * 10) / 10;
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const percentile = (sorted: ArrayLike<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
const summary = (values: ArrayLike<number>): Lateness => {
  const sorted = Float64Array.from(values).sort();
  return {
    p50Ms: round1(percentile(sorted, 50)),
    p95Ms: round1(percentile(sorted, 95)),
    p99Ms: round1(percentile(sorted, 99)),
    maxMs: round1(sorted[sorted.length - 1]),
  };
};
const describe = (l: Lateness) =>
  `p50 ${l.p50Ms} ms, p95 ${l.p95Ms} ms, p99 ${l.p99Ms} ms, max ${l.maxMs} ms`;

async function main(): Promise<void> {
  step(
    `bench:dispatch — ${COUNT} reminders due at one instant, then a steady ${STEADY_SECONDS} s at ${STEADY_SHARE * 100} % of the ceiling`,
  );
  // BENCH_QUEUE=postgres: BullMQ's PostgreSQL backend instead of Redis, for the service and baselines alike.
  const usePostgresQueue = process.env.BENCH_QUEUE === 'postgres';
  const queueEnv = { REDIS_URL: usePostgresQueue ? '' : redisUrl };
  const namespaces: string[] = [];
  const newNamespace = () => {
    const namespace = `bench_${randomBytes(4).toString('hex')}`;
    namespaces.push(namespace);
    return namespace;
  };
  // This process's own queues (baselines), in a BullMQ schema of `database` when on PostgreSQL.
  const baselineConnection = (database: BenchDatabase, namespace: string): ConnectionOptions =>
    usePostgresQueue
      ? { connectionString: database.url, schema: `${namespace}_base`, migrate: true }
      : redisOptions(redisUrl);
  if (usePostgresQueue) setDefaultBackendFactory(createPostgresBackend);

  // The receiver: answers 200 at once, records when each reminder first arrived.
  const firstArrival = new Map<string, number>();
  let requests = 0;
  /** Set during the steady phase: called with the body of each webhook-id's first request. */
  let onFirstBody: ((body: string, at: number) => void) | undefined;
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      requests++;
      const id = req.headers['webhook-id'];
      if (typeof id === 'string' && !firstArrival.has(id)) {
        firstArrival.set(id, at);
        onFirstBody?.(Buffer.concat(chunks).toString('utf8'), at);
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

  const cleanup: (() => Promise<unknown>)[] = [
    () => new Promise((resolve) => receiver.close(resolve)),
    // The service's queues of each namespace (on PostgreSQL they go with the database).
    () => (usePostgresQueue ? Promise.resolve() : obliterateServiceQueues(namespaces)),
  ];
  /** Runs `stop` now and drops it from the cleanup. */
  const release = async (stop: () => Promise<unknown>) => {
    cleanup.splice(cleanup.indexOf(stop), 1);
    await stop();
  };
  try {
    // ---- Burst ----
    const database = await createBenchDatabase();
    const dropFirstDatabase = () => database.drop();
    cleanup.push(dropFirstDatabase);
    await migrateDatabase(database.url, createRootLogger('warn'));
    const namespace = newNamespace();
    const serviceEnv = {
      ...queueEnv,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    };
    const server = await startBenchServer(database.url, { ...serviceEnv, QUEUE_NAMESPACE: namespace });
    const stopServer = () => server.stop();
    cleanup.unshift(stopServer);
    // The worker boots while the API seeds; nothing is due before the instant.
    const worker = await startWorker(database.url, { ...serviceEnv, QUEUE_NAMESPACE: namespace });
    const stopWorker = () => worker.stop();
    cleanup.unshift(stopWorker);

    step('seeding students and interactions through the API (not timed)');
    const zone = middayZone();
    const api = await seedCenter(server, receiverUrl);
    const seeding = new Progress('seeding', Math.ceil(COUNT / 1000) * 2);
    await seedStudents(api, 's', COUNT, zone, seeding);
    await worker.ready;
    // Every first nudge (end + 3 h) falls due at one instant, once seeding is surely over.
    const dueAt = Date.now() + 20_000 + COUNT; // ~20 s plus 1 ms per reminder of seeding headroom
    const interactionsStarted = Date.now();
    await seedInteractions(api, 's', COUNT, () => dueAt, seeding);
    const interactionMsEach = (Date.now() - interactionsStarted) / COUNT;
    if (Date.now() > dueAt - 3000)
      throw new Error('seeding took too long for the due instant; lower BENCH_REMINDERS');

    step('waiting for the due instant');
    const delivering = new Progress('delivered', COUNT);
    for (;;) {
      delivering.update(firstArrival.size);
      if (firstArrival.size >= COUNT) break;
      if (Date.now() > dueAt + 600_000) throw new Error('not every reminder arrived within 10 minutes');
      await sleep(200);
    }
    const burstDuplicates = requests - COUNT;
    const burstLateness = summary([...firstArrival.values()].map((t) => t - dueAt));
    const lastArrival = Math.max(...firstArrival.values());
    const deliveredPerSecond = Math.round(COUNT / ((lastArrival - dueAt) / 1000));
    await release(stopWorker);
    await release(stopServer);

    // ---- Baselines, same machine, same queue backend ----
    const connection = baselineConnection(database, namespace);
    const prefix = `${namespace}_base`;
    const noOp = async (delayMs: number) => {
      const name = `noop-${randomBytes(3).toString('hex')}`;
      const queue = new Queue(name, { connection, prefix });
      const done: number[] = [];
      const worker = new Worker(name, async () => {}, { connection, prefix, concurrency: CONCURRENCY });
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
      while (done.length < COUNT) await sleep(50);
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
    step('burst context: raw no-op jobs delayed to one instant (lateness)');
    const burstRawDelayed = summary((await noOp(5000)).lateness);

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
    const burstVsCeiling = round3(deliveredPerSecond / ceiling);

    // ---- Steady ----
    const ratePerSecond = STEADY_SHARE * ceiling;
    const steadyCount = Math.max(1, Math.round(ratePerSecond * STEADY_SECONDS));
    const warmCount = Math.round(ratePerSecond * WARMUP_SECONDS);
    const total = warmCount + steadyCount;
    const windowMs = STEADY_SECONDS * 1000;
    /**
     * Reminder j falls due this long after the window opens: evenly, 1 / rate apart; the first `warmCount`
     * (the warm-up, not measured) before it opens.
     */
    const dueOffset = (j: number) => Math.floor(((j - warmCount) * windowMs) / steadyCount);
    const measured = (j: number) => j >= warmCount;
    step(
      `steady phase: ${steadyCount} reminders due evenly over ${STEADY_SECONDS} s (${Math.round(ratePerSecond)}/s), after ${warmCount} over ${WARMUP_SECONDS} s of warm-up; fresh database`,
    );
    await release(dropFirstDatabase);
    const steadyDatabase = await createBenchDatabase();
    cleanup.push(() => steadyDatabase.drop());
    await migrateDatabase(steadyDatabase.url, createRootLogger('warn'));
    const steadyNamespace = newNamespace();
    const steadyServer = await startBenchServer(steadyDatabase.url, {
      ...serviceEnv,
      QUEUE_NAMESPACE: steadyNamespace,
    });
    const stopSteadyServer = () => steadyServer.stop();
    cleanup.unshift(stopSteadyServer);
    const steadyWorker = await startWorker(steadyDatabase.url, {
      ...serviceEnv,
      QUEUE_NAMESPACE: steadyNamespace,
    });
    const stopSteadyWorker = () => steadyWorker.stop();
    cleanup.unshift(stopSteadyWorker);
    const steadyApi = await seedCenter(steadyServer, receiverUrl);
    const steadySeeding = new Progress('seeding', Math.ceil(total / 1000) * 2);
    const studentsStarted = Date.now();
    await seedStudents(steadyApi, 't', total, zone, steadySeeding);
    const studentMsEach = (Date.now() - studentsStarted) / total;
    await steadyWorker.ready;
    // The first (warm-up) reminder falls due once the interactions are surely written: twice the slower of the
    // burst's interactions and these students (each interaction here also schedules a dispatch job of its
    // own), plus 15 s.
    const windowStart =
      Date.now() + Math.round(2 * Math.max(interactionMsEach, studentMsEach) * total) + 15_000 - dueOffset(0);
    const dueOf = (j: number) => windowStart + dueOffset(j);
    const steadyInteractionsStarted = Date.now();
    await seedInteractions(steadyApi, 't', total, dueOf, steadySeeding);
    step(
      `interactions written in ${((Date.now() - steadyInteractionsStarted) / 1000).toFixed(1)} s; the first falls due in ${((dueOf(0) - Date.now()) / 1000).toFixed(1)} s`,
    );
    await checkScheduled(steadyDatabase.url, 't', total, dueOf);
    await release(stopSteadyServer);

    const arrivals = new Float64Array(total).fill(Number.NaN);
    let arrived = 0;
    let unknownBodies = 0;
    onFirstBody = (text, at) => {
      const student = (JSON.parse(text) as { data?: { student?: { externalId?: string } } }).data?.student
        ?.externalId;
      const i = student?.startsWith('t-') ? Number(student.slice(2)) : Number.NaN;
      if (!(i >= 0 && i < total) || !Number.isNaN(arrivals[i])) {
        unknownBodies++;
        return;
      }
      arrivals[i] = at;
      arrived++;
    };
    const requestsBefore = requests;
    if (Date.now() > dueOf(0) - 1000)
      throw new Error('steady seeding took too long for its window (machine too busy?)');
    const steadyDelivering = new Progress('steady delivered', total);
    for (;;) {
      steadyDelivering.update(arrived);
      if (arrived >= total) break;
      if (Date.now() > windowStart + windowMs + 300_000)
        throw new Error(
          `only ${arrived} of ${total} steady reminders arrived within 5 minutes of the window`,
        );
      await sleep(200);
    }
    onFirstBody = undefined;
    const steadyDuplicates = requests - requestsBefore - total;
    const serviceLateness = Array.from({ length: steadyCount }, (_, k) => {
      const j = warmCount + k;
      return arrivals[j] - dueOf(j);
    });
    const service = summary(serviceLateness);
    // Where in the window the late ones were (a sweep replanning, say): p99 per 10 s of due instants.
    const p99ByTenSecondsMs: number[] = [];
    for (let from = 0; from < windowMs; from += 10_000) {
      const inBucket = serviceLateness.filter((_, k) => {
        const offset = dueOffset(warmCount + k);
        return offset >= from && offset < from + 10_000;
      });
      if (inBucket.length) p99ByTenSecondsMs.push(summary(inBucket).p99Ms);
    }
    await release(stopSteadyWorker);

    step('steady baseline: raw delayed no-op jobs, same arrivals');
    const rawConnection = baselineConnection(steadyDatabase, steadyNamespace);
    const rawPrefix = `${steadyNamespace}_base`;
    const rawName = `steady-${randomBytes(3).toString('hex')}`;
    const rawQueue = new Queue(rawName, { connection: rawConnection, prefix: rawPrefix });
    // The raw window opens once every job is surely added (at 5,000/s or more).
    const rawStart = Date.now() + 5000 + Math.round(total * 0.2) - dueOffset(0);
    const rawLateness: number[] = [];
    let rawDone = 0;
    for (let start = 0; start < total; start += 1000) {
      await rawQueue.addBulk(
        Array.from({ length: Math.min(1000, total - start) }, (_, k) => {
          const due = rawStart + dueOffset(start + k);
          return {
            name: 'noop',
            data: { due, measured: measured(start + k) },
            opts: { delay: Math.max(0, due - Date.now()), removeOnComplete: true },
          };
        }),
      );
    }
    const rawWorker = new Worker(
      rawName,
      // eslint-disable-next-line @typescript-eslint/require-await -- a no-op job: only its start is timed
      async (job) => {
        const startedAt = Date.now();
        const data = job.data as { due: number; measured: boolean };
        if (data.measured) rawLateness.push(startedAt - data.due);
        rawDone++;
      },
      { connection: rawConnection, prefix: rawPrefix, concurrency: CONCURRENCY },
    );
    await rawWorker.waitUntilReady();
    if (Date.now() > rawStart + dueOffset(0) - 500)
      throw new Error('adding the raw delayed jobs took longer than planned');
    const rawProgress = new Progress('raw delayed jobs', total);
    for (;;) {
      rawProgress.update(rawDone);
      if (rawDone >= total) break;
      if (Date.now() > rawStart + windowMs + 300_000) throw new Error('raw delayed jobs did not all run');
      await sleep(200);
    }
    await rawWorker.close();
    await rawQueue.obliterate({ force: true }).catch(() => undefined);
    await rawQueue.close();
    const raw = summary(rawLateness);
    const rawP99 = percentile(Float64Array.from(rawLateness).sort(), 99);
    const rawFloored = rawP99 < RAW_P99_FLOOR_MS;
    const steadyLatenessP99VsRaw = round3(
      percentile(Float64Array.from(serviceLateness).sort(), 99) / Math.max(RAW_P99_FLOOR_MS, rawP99),
    );

    const report = {
      reminders: COUNT,
      burst: {
        reminders: COUNT,
        deliveredPerSecond,
        lateness: burstLateness,
        duplicateRequests: burstDuplicates,
        rawDelayedJobLateness: burstRawDelayed,
      },
      baselines: {
        bullmqNoOpPerSecond: a,
        httpPostPerSecond: b,
        hmacPerSecond: c,
        combinedCeilingPerSecond: ceiling,
      },
      steady: {
        seconds: STEADY_SECONDS,
        shareOfCeiling: STEADY_SHARE,
        ratePerSecond: Math.round(ratePerSecond),
        reminders: steadyCount,
        warmUpSeconds: WARMUP_SECONDS,
        warmUpReminders: warmCount,
        service: { lateness: service, duplicateRequests: steadyDuplicates, p99ByTenSecondsMs, unknownBodies },
        rawDelayedJobs: { lateness: raw },
        rawP99FlooredToMs: rawFloored ? RAW_P99_FLOOR_MS : null,
      },
      targets: {
        burstVsCeiling: { value: burstVsCeiling, limit: BURST_TARGET, met: burstVsCeiling >= BURST_TARGET },
        steadyLatenessP99VsRaw: {
          value: steadyLatenessP99VsRaw,
          limit: STEADY_TARGET,
          met: steadyLatenessP99VsRaw <= STEADY_TARGET,
        },
      },
    };
    console.log('');
    console.log(
      `burst: ${deliveredPerSecond} reminders/s; lateness ${describe(burstLateness)}; raw no-op jobs delayed to one instant: ${describe(burstRawDelayed)}`,
    );
    console.log(`baselines: BullMQ no-op ${a}/s, HTTP POST ${b}/s, HMAC ${c}/s → ceiling ${ceiling}/s`);
    console.log(
      `steady: ${steadyCount} reminders over ${STEADY_SECONDS} s (${Math.round(ratePerSecond)}/s); service lateness ${describe(service)} (p99 per 10 s: ${p99ByTenSecondsMs.join(', ')} ms); raw delayed jobs ${describe(raw)}`,
    );
    if (rawFloored)
      console.log(
        `note: the raw p99 (${raw.p99Ms} ms) is below ${RAW_P99_FLOOR_MS} ms; the ratio divides by ${RAW_P99_FLOOR_MS} ms instead`,
      );
    console.log(
      `targets: burst / ceiling = ${burstVsCeiling} (≥ ${BURST_TARGET}); steady lateness p99 / raw = ${steadyLatenessP99VsRaw} (≤ ${STEADY_TARGET})`,
    );
    console.log(JSON.stringify(report));
  } finally {
    for (const stop of cleanup) await stop().catch(() => undefined);
  }
}

interface Api {
  post(p: string, body: unknown): Promise<unknown>;
}

/** A center in UTC with a webhook endpoint for reminders at the receiver, an advisor and a company. */
async function seedCenter(server: BenchServer, receiverUrl: string): Promise<Api> {
  const send = async (method: string, p: string, key: string, body: unknown) => {
    const response = await fetch(`${server.baseUrl}${p}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${p}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const { apiKey } = (await send('POST', '/v1/centers', server.adminKey, {
    name: 'bench',
    timezone: 'UTC',
  })) as { apiKey: string };
  await send('POST', '/v1/webhook-endpoints', apiKey, {
    url: receiverUrl,
    eventTypes: ['followup.reminder'],
  });
  await send('PUT', '/v1/advisors/adv', apiKey, {
    name: '相談員',
    email: 'a@example.ac.jp',
    timezone: 'UTC',
  });
  await send('PUT', '/v1/companies/cmp', apiKey, { name: '株式会社サンプル商事' });
  return { post: (p, body) => send('POST', p, apiKey, body) };
}

/** Students `<prefix>-0` … in `zone`, 1000 a request. */
async function seedStudents(api: Api, prefix: string, count: number, zone: string, progress: Progress) {
  for (let start = 0; start < count; start += 1000) {
    const ids = Array.from({ length: Math.min(1000, count - start) }, (_, i) => start + i);
    await api.post('/v1/students/bulk', {
      items: ids.map((i) => ({
        externalId: `${prefix}-${i}`,
        name: `学生${i}`,
        email: `${prefix}${i}@example.ac.jp`,
        locale: 'ja',
        timezone: zone,
        advisorExternalId: 'adv',
      })),
    });
    progress.update(start / 1000 + 1);
  }
}

/** One INFO_SESSION per student, 3 h before `dueOf(i)`: its first nudge (end + 3 h) falls due at `dueOf(i)`. */
async function seedInteractions(
  api: Api,
  prefix: string,
  count: number,
  dueOf: (i: number) => number,
  progress: Progress,
) {
  for (let start = 0; start < count; start += 1000) {
    const ids = Array.from({ length: Math.min(1000, count - start) }, (_, i) => start + i);
    await api.post('/v1/interactions/bulk', {
      items: ids.map((i) => ({
        externalId: `${prefix}i-${i}`,
        studentExternalId: `${prefix}-${i}`,
        companyExternalId: 'cmp',
        kind: 'INFO_SESSION',
        occurredAt: new Date(dueOf(i) - 3 * 3600_000).toISOString(),
      })),
    });
    progress.update(Math.ceil(count / 1000) + start / 1000 + 1);
  }
}

/** Every student `<prefix>-i` has exactly one scheduled reminder, due at `dueOf(i)` to the millisecond. */
async function checkScheduled(
  databaseUrl: string,
  prefix: string,
  count: number,
  dueOf: (i: number) => number,
) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ external_id: string; at: string }>(
      `SELECT s.external_id, (extract(epoch FROM r.scheduled_at) * 1000)::bigint::text AS at
       FROM reminders r JOIN students s ON s.id = r.student_id WHERE r.status = 'SCHEDULED'`,
    );
    const wrong = rows.filter((r) => {
      const i = Number(r.external_id.slice(prefix.length + 1));
      return !r.external_id.startsWith(`${prefix}-`) || Number(r.at) !== dueOf(i);
    });
    if (rows.length !== count || wrong.length)
      throw new Error(
        `expected ${count} reminders at their due instants, found ${rows.length} (${wrong.length} at other instants, e.g. ${JSON.stringify(wrong[0])})`,
      );
  } finally {
    await client.end();
  }
}

/** Spawns one worker process of the built service; `ready` settles once its /health/ready answers. */
async function startWorker(databaseUrl: string, env: Record<string, string>) {
  // BENCH_PROFILE=<dir> profiles the worker too: that is where dispatch spends its CPU.
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const port = await freePort();
  const child = spawn(process.execPath, [...profile, path.resolve(import.meta.dirname, '../src/main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      ...env,
      PROCESS_ROLE: 'worker',
      PORT: String(port),
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'cfu-bench-w-')),
      // Given, so the worker does not generate them and print the admin key's banner.
      ADMIN_API_KEY: randomBytes(32).toString('base64url'),
      ADVISOR_JWT_SECRET: randomBytes(32).toString('base64url'),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  const ready = (async () => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const answered = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (answered) return;
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error('the worker process did not become ready');
      await sleep(100);
    }
  })();
  ready.catch(() => undefined); // awaited later; the cleanup stops the process
  return { ready, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Removes what the service's queues left in Redis under each namespace (delayed next nudges, schedulers). */
async function obliterateServiceQueues(namespaces: string[]): Promise<void> {
  for (const prefix of namespaces)
    for (const name of Object.values(QUEUES)) {
      const queue = new Queue(name, { connection: redisOptions(redisUrl), prefix });
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
}

/** A zone where it is about midday now, so quiet hours do not move the reminders. */
function middayZone(): string {
  const offset = ((12 - new Date().getUTCHours() + 36) % 24) - 12; // -12 … +11
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`; // Etc/ signs are inverted
}

await main();
