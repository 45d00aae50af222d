import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { Step } from '../src/cli/progress.js';
import { KNOWN_ENV_VARS } from '../src/config/env.schema.js';

export interface DemoService {
  adminKey: string;
  advisorJwtSecret: string;
  dataDir: string;
  logFile: string;
  /** Resolves with the base URL once the service listens (start-up progress is shown meanwhile). */
  ready: Promise<string>;
  /**
   * SIGTERM, wait for a clean exit (the service stops its embedded PostgreSQL last), then make sure of it.
   * Safe to call at any time, also during start-up, and more than once.
   */
  stop(): Promise<void>;
  /** Resolves when the service exits, whoever stopped it. */
  exited: Promise<number | string>;
}

/** The log messages that mark the start-up phases (src/bootstrap/runtime.ts, src/main.ts). */
const PHASES = [
  { label: 'starting PostgreSQL (embedded, first start initialises it)', endsWith: /^starting$/ },
  { label: 'migrating the database', endsWith: /^(migrations applied|schema up to date)$/ },
  { label: 'starting the API and the workers', endsWith: /^listening/ },
] as const;

/**
 * Starts the built service (dist/src/main.js) as a child process on the embedded defaults: no DATABASE_URL or
 * REDIS_URL, so an embedded PostgreSQL under `dataDir` and BullMQ's PostgreSQL backend; secrets generated here
 * so the demo can sign advisor tokens. Its JSON log goes to `<dataDir>/../service.log`; the start-up phases are
 * shown as progress on stderr.
 */
export function startDemoService(dataDir: string): DemoService {
  const adminKey = randomBytes(32).toString('base64url');
  const advisorJwtSecret = randomBytes(32).toString('base64url');
  const env: NodeJS.ProcessEnv = { ...process.env };
  // None of the caller's service variables (nor NODE_OPTIONS) reach it: the demo runs on the embedded defaults.
  for (const name of [...KNOWN_ENV_VARS, 'NODE_OPTIONS']) delete env[name];
  Object.assign(env, {
    DATA_DIR: dataDir,
    PORT: '0',
    PROCESS_ROLE: 'all',
    ADMIN_API_KEY: adminKey,
    ADVISOR_JWT_SECRET: advisorJwtSecret,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    SWEEP_INTERVAL_SECONDS: '2',
    WEBHOOK_RETRY_SCALE: '0.01',
    LOG_LEVEL: 'info',
  });
  const logFile = path.join(path.dirname(dataDir), 'service.log');
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [path.resolve(import.meta.dirname, '../src/main.js')], {
    env,
    // The IPC channel is only there to close when the demo dies, however it dies: the service then stops.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Its own process group: a Ctrl-C in the terminal reaches the demo only, which then stops the service in
    // order (jobs, pools, then PostgreSQL). Otherwise PostgreSQL would get the SIGINT too and quit under it.
    detached: true,
  }) as ChildProcessByStdio<null, Readable, Readable>;
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  void exited.then(() => log.end());

  let phase = 0;
  let step = new Step(PHASES[0].label);
  let port: number | undefined;
  const stderrTail: string[] = [];
  let buffered = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderrTail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    stderrTail.splice(0, Math.max(0, stderrTail.length - 20));
  });
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      let entry: { msg?: string; port?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      if (phase < PHASES.length && entry.msg && PHASES[phase].endsWith.test(entry.msg)) {
        step.done();
        phase++;
        if (phase < PHASES.length) step = new Step(PHASES[phase].label);
        else port = entry.port;
      }
    }
  });

  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= stopNow());
  const stopNow = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const forced = setTimeout(() => {
        // The service did not finish within its own grace period: end its whole process group.
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 45_000);
      await exited;
      clearTimeout(forced);
    }
    await stopLeftoverPostgres(dataDir);
  };

  let stopping = false;
  const ready = (async () => {
    const deadline = Date.now() + 120_000;
    while (port === undefined) {
      if (stopping) {
        step.fail('stopped');
        throw new Error('stopped during start-up');
      }
      if (child.exitCode !== null || child.signalCode !== null) {
        step.fail('the service exited');
        await stop();
        throw new Error(
          `the service exited during start-up:\n${stderrTail.join('\n')}\n(full log: ${logFile})`,
        );
      }
      if (Date.now() > deadline) {
        step.fail('timed out');
        await stop();
        throw new Error(`the service did not start within 120 s (log: ${logFile})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return `http://127.0.0.1:${port}`;
  })();
  ready.catch(() => undefined); // the caller awaits it; a stop during start-up is not an unhandled rejection

  return {
    adminKey,
    advisorJwtSecret,
    dataDir,
    logFile,
    ready,
    stop: () => {
      stopping = true;
      return stop();
    },
    exited,
  };
}

/** The pid of the embedded PostgreSQL still running on `dataDir`, if any (from its own lock file). */
export function runningPostgresPid(dataDir: string): number | undefined {
  const lock = path.join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(lock)) return undefined;
  const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: alive but owned by another user (PostgreSQL runs as `postgres` when the demo runs as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/**
 * The service stops its embedded PostgreSQL itself; should it have died before doing so, stop the cluster
 * the demo's service started (fast shutdown) and wait for it, so the demo never leaves a database behind.
 */
async function stopLeftoverPostgres(dataDir: string): Promise<void> {
  const pid = runningPostgresPid(dataDir);
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + 15_000;
  while (runningPostgresPid(dataDir) !== undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
