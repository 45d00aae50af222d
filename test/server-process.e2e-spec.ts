import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

/** The lines, without the framed block that shows a generated admin key (on stderr, on the first start only). */
function withoutAdminKeyBanner(lines: string[]): string[] {
  const rules = lines.flatMap((line, i) => (line.startsWith('────') ? [i] : []));
  return rules.length === 2 ? [...lines.slice(0, rules[0]), ...lines.slice(rules[1] + 1)] : lines;
}

function isJsonObject(line: string): boolean {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
}

/** The command lines of the processes that mention `folder` (an embedded PostgreSQL runs with `-D <folder>/…`). */
function processesUsing(folder: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (commandLine.includes(folder)) found.push(`${pid}: ${commandLine.trim()}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
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

  it('stops cleanly on Ctrl-C or SIGTERM to the process group of npm start, leaving no PostgreSQL and the data intact', async () => {
    // A terminal's Ctrl-C sends SIGINT to the whole foreground process group: npm, the service and the
    // PostgreSQL it started go down together, and a pg client left without an `error` listener crashed the
    // process about half the time (5 of 6 runs here). Two rounds each way, so the race shows if it is there. A
    // signal right after start-up also hung 1 run in 10 and ended 1 in 20 without "stopped";
    // test/queue-readiness and test/embedded-postgres hold those two causes deterministically.
    // `--ignore-scripts` skips only prestart's incremental build (npm test has built dist already; rebuilding it
    // here would race the other test files running from it), not the start script itself.
    await stopRunning(); // a server an earlier test left (it failed) would hold DATA_DIR
    const earlierKeys: string[] = [];
    for (const [round, signal] of (['SIGINT', 'SIGINT', 'SIGTERM', 'SIGTERM'] as const).entries()) {
      running = spawnBuilt('npm start --ignore-scripts --silent', env, [], { ownProcessGroup: true });
      const base = `http://127.0.0.1:${await listeningPort(running)}`;
      const adminKey = readFileSync(path.join(dataDir, 'secrets', 'admin-api-key'), 'utf8').trim();
      // The data of every earlier round is there: each round created a center, whose key still works.
      for (const apiKey of earlierKeys) {
        const keys = await fetch(`${base}/v1/api-keys`, { headers: { Authorization: `Bearer ${apiKey}` } });
        expect(keys.status).toBe(200);
      }
      const created = await fetch(`${base}/v1/centers`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `signal round ${round}`, timezone: 'Asia/Tokyo' }),
      });
      expect(created.status).toBe(201);
      earlierKeys.push(((await created.json()) as { apiKey: string }).apiKey);

      process.kill(-running.child.pid!, signal);
      // The service exits 0 (the first test checks it without npm); npm, signalled too, waits for it and then
      // ends by the same signal, which a shell reports as 128 + its number (130 for Ctrl-C).
      expect([0, signal]).toContain(await exitCodeWithin(running));
      // npm may end before the service has written its last line (it does on SIGTERM); the pipe stays open.
      await until(() => running!.stdout.some((l) => l.includes('"msg":"stopped"')), 60_000);
      // Nothing on stderr (no crash, no stack trace), only JSON log lines on stdout, none an error, and the
      // connections PostgreSQL closes while the service stops are not reported as news (debug, not shown).
      expect(withoutAdminKeyBanner(running.stderr).filter((l) => l.trim())).toEqual([]);
      expect(running.stdout.filter((l) => l.trim() && !isJsonObject(l))).toEqual([]);
      const entries = running.stdout
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { level: number; msg: string });
      expect(entries.filter((e) => e.level >= 50)).toEqual([]);
      expect(
        entries.filter((e) => /closed while stopping|terminating connection/.test(JSON.stringify(e))),
      ).toEqual([]);
      expect(entries.at(-1)?.msg).toBe('stopped');
      // No PostgreSQL of this DATA_DIR is left running.
      await until(() => processesUsing(dataDir).length === 0, 15_000).catch(() => {
        throw new Error(`left running: ${processesUsing(dataDir).join('; ')}`);
      });
    }
  }, 420_000);

  it('refuses a bad configuration with a message naming the variable', async () => {
    const bad = spawnBuilt('src/main.js', { ...env, PORT: 'eighty', PROCESS_ROLE: 'everything' });
    expect(await bad.exited).toBe(78);
    const message = bad.stderr.join('\n');
    expect(message).toContain('PORT: must be an integer between 0 and 65535');
    expect(message).toContain('PROCESS_ROLE: must be one of: all, api, worker');
  });
});
