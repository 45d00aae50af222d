import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { exitCodeWithin, listeningPort, spawnBuilt, type ServerProcess } from './helpers/server-process.js';

/** Polls `condition` until it holds, or fails after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The built server as a newcomer runs it: no DATABASE_URL, no REDIS_URL, so embedded PostgreSQL under
 * DATA_DIR and BullMQ on its PostgreSQL backend; stopped with SIGTERM and started again on the same data.
 */
describe('the real server process on the embedded defaults', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cfu-server-'));
  const env = { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' };
  let running: ServerProcess | undefined;

  const stopRunning = async () => {
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
  };
  afterAll(stopRunning);

  it('starts, serves, stops cleanly on SIGTERM and keeps its data across a restart', async () => {
    // stdout and stderr in one stream, in the order a terminal shows them.
    running = spawnBuilt('src/main.js', env, [], { mergeStderr: true });
    const port = await listeningPort(running);
    const base = `http://127.0.0.1:${port}`;

    // The generated admin key is printed once and kept in DATA_DIR with mode 0600.
    const keyFile = path.join(dataDir, 'secrets', 'admin-api-key');
    const adminKey = readFileSync(keyFile, 'utf8').trim();
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    await until(() => running!.stdout.some((l) => l.includes(adminKey)));
    expect(running.stdout.filter((l) => l.includes(adminKey))).toHaveLength(1);
    // …after the "listening" line, so it is the last thing on the terminal rather than scrolled away, and
    // outside the JSON log lines (it is on stderr).
    const listeningAt = running.stdout.findIndex((l) => l.includes('"msg":"listening'));
    const keyAt = running.stdout.findIndex((l) => l.includes(adminKey));
    expect(keyAt).toBeGreaterThan(listeningAt);
    expect(running.stdout[keyAt].trim()).toBe(adminKey);
    expect(running.stdout.slice(keyAt - 3, keyAt).join('\n')).toContain('Generated ADMIN_API_KEY');
    expect(running.stdout.slice(keyAt, keyAt + 4).join('\n')).toContain(keyFile);
    // Nest's line per route and per module is debug, not info: it buried the key before.
    expect(running.stdout.filter((l) => /Mapped \{|dependencies initialized/.test(l))).toEqual([]);
    const starting = running.stdout.find((l) => l.includes('"msg":"starting"'))!;
    expect(starting).toContain('embedded PostgreSQL');
    expect(starting).toContain('BullMQ PostgreSQL backend');
    expect(starting).not.toMatch(/postgres:\/\/postgres:(?!\*\*\*)/); // password masked

    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    const created = await fetch(`${base}/v1/centers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: '再起動テスト大学', timezone: 'Asia/Tokyo' }),
    });
    expect(created.status).toBe(201);
    const { apiKey } = (await created.json()) as { apiKey: string };
    expect(
      (await fetch(`${base}/v1/api-keys`, { headers: { Authorization: `Bearer ${apiKey}` } })).status,
    ).toBe(200);

    // A second process on the same DATA_DIR is refused with a clear message, and the first keeps working.
    const intruder = spawnBuilt('src/main.js', env);
    expect(await intruder.exited).not.toBe(0);
    expect(intruder.stderr.join('\n')).toMatch(/DATA_DIR .* is in use by another process/);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);

    running.child.kill('SIGTERM');
    expect(await exitCodeWithin(running)).toBe(0);
    expect(running.stdout.some((l) => l.includes('"msg":"stopped"'))).toBe(true);

    running = spawnBuilt('src/main.js', env);
    const again = `http://127.0.0.1:${await listeningPort(running)}`;
    expect([...running.stdout, ...running.stderr].some((l) => l.includes('ADMIN_API_KEY'))).toBe(false);
    const keys = await fetch(`${again}/v1/api-keys`, { headers: { Authorization: `Bearer ${apiKey}` } });
    expect(keys.status).toBe(200);
    expect(((await keys.json()) as { items: unknown[] }).items).toHaveLength(1);

    running.child.kill('SIGINT');
    expect(await exitCodeWithin(running)).toBe(0);
  }, 180_000); // two starts of an embedded PostgreSQL and a refused third, on a busy CI machine

  it('stops cleanly on Ctrl-C, which signals the embedded PostgreSQL at the same moment', async () => {
    // A terminal's Ctrl-C sends SIGINT to the whole foreground process group: the service and the PostgreSQL it
    // started go down together, and a pg client left without an `error` listener crashed the process about
    // half the time (5 of 6 runs here). Two rounds, so the race shows if it is there. A signal right after
    // start-up also hung 1 run in 10 and ended 1 in 20 without "stopped"; test/queue-readiness and
    // test/embedded-postgres hold those two causes deterministically.
    await stopRunning(); // a server an earlier test left (it failed) would hold DATA_DIR
    for (let round = 0; round < 2; round++) {
      running = spawnBuilt('src/main.js', env, [], { ownProcessGroup: true });
      await listeningPort(running);
      process.kill(-running.child.pid!, 'SIGINT');
      expect(await exitCodeWithin(running)).toBe(0);
      expect(running.stderr.join('\n')).not.toMatch(/Unhandled 'error' event|terminating connection/);
      expect(running.stdout.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
    }
  }, 300_000);

  it('refuses a bad configuration with a message naming the variable', async () => {
    const bad = spawnBuilt('src/main.js', { ...env, PORT: 'eighty', PROCESS_ROLE: 'everything' });
    expect(await bad.exited).toBe(78);
    const message = bad.stderr.join('\n');
    expect(message).toContain('PORT: must be an integer between 0 and 65535');
    expect(message).toContain('PROCESS_ROLE: must be one of: all, api, worker');
  });
});
