import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/**
 * Runs a built entry point (`npm test` builds first), or an npm command given as `npm …`, as a real child process, with the parent's environment
 * minus the service's variables, plus `env`. `ownProcessGroup` makes it lead a process group of its own, as a
 * terminal's foreground job is, so a signal can go to it and everything it started at once. `mergeStderr` sends
 * stderr into stdout, one stream in write order as a terminal shows it (`stderr` stays empty).
 */
export function spawnBuilt(
  entry: string,
  env: Record<string, string>,
  args: string[] = [],
  { ownProcessGroup = false, mergeStderr = false } = {},
): ServerProcess {
  const base = { ...process.env };
  for (const name of [
    'DATABASE_URL',
    'REDIS_URL',
    'ADMIN_API_KEY',
    'ADVISOR_JWT_SECRET',
    'ENCRYPTION_KEY',
    'NODE_OPTIONS',
  ]) {
    delete base[name];
  }
  const command = entry.startsWith('npm ')
    ? [...entry.split(' '), ...args]
    : [process.execPath, path.join(ROOT, 'dist', entry), ...args];
  // `exec` keeps the pid the server's own; `2>&1` makes both streams share one pipe, so their order is kept.
  const [file, ...argv] = mergeStderr ? ['/bin/sh', '-c', 'exec "$@" 2>&1', 'sh', ...command] : command;
  const child = spawn(file, argv, {
    cwd: ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: ownProcessGroup,
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(...chunk.toString('utf8').split('\n')));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(...chunk.toString('utf8').split('\n')));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, stdout, stderr, exited };
}

/** Waits until the server logs that it listens, and returns its port. */
export async function listeningPort(server: ServerProcess, timeoutMs = 60000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | string | undefined;
  void server.exited.then((code) => (exitCode = code));
  for (;;) {
    for (const line of server.stdout) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg?.startsWith('listening') && entry.port) return entry.port;
    }
    if (exitCode !== undefined)
      throw new Error(`server exited (${exitCode}) before listening:\n${server.stderr.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`server did not listen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The server's exit code once it has exited, or an error after `timeoutMs` that shows what it printed last (a
 * shutdown that hangs says where, instead of running into the test's own timeout).
 */
export async function exitCodeWithin(server: ServerProcess, timeoutMs = 60_000): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const tail = [...server.stdout, ...server.stderr].filter((line) => line.trim()).slice(-15);
      reject(new Error(`server did not exit within ${timeoutMs} ms; it printed last:\n${tail.join('\n')}`));
    }, timeoutMs);
  });
  return Promise.race([server.exited, deadline]).finally(() => clearTimeout(timer));
}
