import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface BenchServer {
  baseUrl: string;
  adminKey: string;
  stop(): Promise<void>;
}

/** The built service as its own process (PROCESS_ROLE=api), so the load generator does not share its CPU time. */
export async function startBenchServer(
  databaseUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<BenchServer> {
  const adminKey = randomBytes(32).toString('base64url');
  // BENCH_PROFILE=<dir> writes a V8 CPU profile of the service to <dir> (open it in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const server = await startProcess(
    [...profile, path.resolve(import.meta.dirname, '../src/main.js')],
    '/health/ready',
    {
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? '',
      PROCESS_ROLE: 'api',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'cfu-bench-')),
      ADMIN_API_KEY: adminKey,
      ADVISOR_JWT_SECRET: randomBytes(32).toString('base64url'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      ...extraEnv,
    },
  );
  return { ...server, adminKey };
}

/** bare-graphql-server.js (see there) for one advisor's page. */
export function startBareGraphqlServer(
  databaseUrl: string,
  viewer: { centerId: string; caseloadOf: string; actor: string },
): Promise<Omit<BenchServer, 'adminKey'>> {
  return startProcess([path.resolve(import.meta.dirname, 'bare-graphql-server.js')], '/', {
    DATABASE_URL: databaseUrl,
    BARE_CENTER: viewer.centerId,
    BARE_CASELOAD: viewer.caseloadOf,
    BARE_ACTOR: viewer.actor,
  });
}

/** A Node.js process serving HTTP on a free port, once `readyPath` answers 2xx. */
async function startProcess(
  args: string[],
  readyPath: string,
  env: Record<string, string>,
): Promise<Omit<BenchServer, 'adminKey'>> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await fetch(`${baseUrl}${readyPath}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`${args.at(-1)} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    baseUrl,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
