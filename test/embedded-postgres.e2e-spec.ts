import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';

const quiet = { info: () => undefined, debug: () => undefined };

/** Settles as `promise` does, or rejects once `ms` have passed. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the embedded PostgreSQL handle', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cfu-embedded-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stops at once when PostgreSQL has already exited, as after a Ctrl-C that signals both', async () => {
    // A terminal's Ctrl-C reaches the embedded PostgreSQL too, and it can be gone before the service gets to
    // stop it. embedded-postgres's own stop() then waited for an exit event that had already happened: the
    // shutdown never finished and the process ended without its "stopped" line.
    const db = await startEmbeddedPostgres(dataDir, quiet);
    const clusterDir = path.join(dataDir, 'postgres');
    const pid = Number(readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGINT');
    const deadline = Date.now() + 30_000;
    while (running(pid)) {
      if (Date.now() > deadline) throw new Error('PostgreSQL did not exit on SIGINT within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await within(db.stop(), 10_000, 'stop() after PostgreSQL exited');

    // …and the cluster starts again on the same data, as the next `npm start` would.
    const again = await startEmbeddedPostgres(dataDir, quiet);
    await within(again.stop(), 30_000, 'stop() of a running PostgreSQL');
  }, 120_000);
});
