import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DateTime } from 'luxon';
import { daytimeZone } from '../demo/sample-center.js';
import { spawnBuilt, type ServerProcess } from './helpers/server-process.js';

interface Summary {
  demo: 'summary';
  ok: boolean;
  companies: string[];
  expected: string[];
  draftsAtLogging: {
    interaction: string;
    studentExternalId: string;
    firstReminderAt: string | null;
    locale: 'ja' | 'en';
    purpose: string;
    subject: string;
    text: string;
  }[];
  deferred: string[];
  boundary: string[];
  rejectedDeliveries: number;
  received: {
    studentExternalId: string;
    locale: 'ja' | 'en';
    items: {
      interaction: string;
      company: string;
      purpose: string;
      urgency: string;
      subject: string;
      text: string;
    }[];
  }[];
  missingFollowUps: { advisor: string; totalCount: number; students: string[] };
}

/**
 * Processes running on `dir`: the demo itself (`--dir` on its command line), its service (DATA_DIR in its
 * environment) and its PostgreSQL (`-D` on its command line, DATA_DIR inherited), as `<pid> <command line>`.
 * Zombies have neither and are not listed.
 */
function processesOn(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (cmdline.includes(dir) || environ.some((v) => v.startsWith('DATA_DIR=') && v.includes(dir))) {
        found.push(`${pid} ${cmdline}`);
      }
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/**
 * Stops a demo and everything it started, however far it got and whatever failed: the demo's process group as
 * Ctrl-C would (it stops its service, which stops its PostgreSQL last), SIGKILL if it is still there after
 * 30 s; then whatever still runs on `dir` (the service is in a process group of its own, so a demo killed
 * outright leaves it to notice on its own): SIGTERM, and SIGKILL after 15 s.
 */
async function stopEverything(demo: ServerProcess | undefined, dir: string): Promise<void> {
  const pid = demo?.child.pid;
  if (demo && pid && demo.child.exitCode === null && demo.child.signalCode === null) {
    signal(-pid, 'SIGTERM');
    if (!(await settlesWithin(demo.exited, 30_000))) {
      signal(-pid, 'SIGKILL');
      await settlesWithin(demo.exited, 5_000);
    }
  }
  for (const [name, waitMs] of [
    ['SIGTERM', 15_000],
    ['SIGKILL', 5_000],
  ] as const) {
    const left = processesOn(dir);
    if (left.length === 0) return;
    for (const line of left) signal(Number(line.split(' ')[0]), name);
    const deadline = Date.now() + waitMs;
    while (processesOn(dir).length > 0 && Date.now() < deadline) await sleep(200);
  }
}

/**
 * `npm run demo` end to end, as the built entry (npm test builds first): the service as a child process on the
 * embedded defaults, the sample center, signed reminders to the demo's own receiver. The demo decides from
 * each student's local time which reminders quiet hours allow now, and two students are always abroad in a
 * daytime zone, so the expectations hold at any hour.
 */
describe('npm run demo', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cfu-demo-'));
  let demo: ServerProcess | undefined;

  // After every test, passed, failed or timed out (Jest runs afterEach then too): nothing of it keeps running.
  afterEach(async () => {
    await stopEverything(demo, dir);
    demo = undefined;
  }, 90_000);
  afterAll(async () => {
    await stopEverything(undefined, dir);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('always has students abroad where it is daytime, far from quiet hours, in any season', () => {
    for (const day of ['2026-01-15', '2026-03-09', '2026-07-15', '2026-11-02']) {
      for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
        const now = DateTime.fromISO(`${day}T00:00:00Z`).plus({ minutes });
        const local = now.setZone(daytimeZone(now));
        expect(local.hour).toBeGreaterThanOrEqual(10);
        expect(local.hour).toBeLessThan(18);
      }
    }
  });

  it('--once receives the expected reminders, drafts name the company exactly, and leaves nothing running', async () => {
    demo = spawnBuilt('demo/demo.js', {}, ['--once', '--dir', dir, '--timeout', '45'], {
      ownProcessGroup: true,
    });
    const code = await demo.exited;
    const lines = demo.stdout.filter(Boolean);
    expect({ code, stderr: code === 0 ? '' : demo.stderr.join('\n') }).toEqual({ code: 0, stderr: '' });
    const summary = JSON.parse(lines[lines.length - 1]) as Summary;

    expect(summary.ok).toBe(true);
    expect(summary.rejectedDeliveries).toBe(0);
    // The students abroad are in daytime whatever the hour; Tokyo and New York depend on it.
    expect(summary.expected).toEqual(expect.arrayContaining(['stu-nakamura', 'stu-wilson']));
    // A student at the edge of quiet hours whose reminder has not come is both `boundary` and `deferred`.
    expect([...new Set([...summary.expected, ...summary.deferred, ...summary.boundary])].sort()).toEqual(
      ['stu-garcia', 'stu-miller', 'stu-nakamura', 'stu-sato', 'stu-takahashi', 'stu-wilson'].sort(),
    );
    const receivedBy = new Map(summary.received.map((r) => [r.studentExternalId, r]));
    for (const id of summary.expected) expect(receivedBy.has(id)).toBe(true);
    for (const id of summary.deferred) expect(receivedBy.has(id)).toBe(false);
    expect(receivedBy.has('stu-ito')).toBe(false); // thanked by phone: nothing to remind

    for (const reminder of summary.received) {
      for (const item of reminder.items) {
        expect(summary.companies).toContain(item.company);
        expect(item.text).toContain(item.company);
        if (reminder.locale === 'ja') {
          expect(item.text).toMatch(/様\n/);
          expect(item.subject).toMatch(/御礼|選考結果/);
        } else {
          expect(item.text).toMatch(/^Dear /);
        }
      }
    }
    const nakamura = receivedBy.get('stu-nakamura')!;
    expect(nakamura.locale).toBe('ja');
    expect(nakamura.items[0].text).toContain('株式会社サンプル商事 人事部 課長 山田 太郎様');
    expect(receivedBy.get('stu-wilson')!.items[0].text).toContain('未来テクノロジー株式会社');

    // The drafts the portal got back as it logged the interviews (the interaction preview), before any
    // reminder: the ones the reminders then carried.
    expect(summary.draftsAtLogging.map((d) => [d.interaction, d.locale, d.purpose])).toEqual([
      ['int-nakamura-interview', 'ja', 'THANK_YOU'],
      ['int-miller-interview', 'en', 'THANK_YOU'],
    ]);
    for (const logged of summary.draftsAtLogging) {
      expect(logged.firstReminderAt).toEqual(expect.any(String));
      const delivered = summary.received
        .find((r) => r.studentExternalId === logged.studentExternalId)
        ?.items.find((i) => i.interaction === logged.interaction);
      if (summary.expected.includes(logged.studentExternalId))
        expect({ subject: logged.subject, text: logged.text }).toEqual({
          subject: delivered?.subject,
          text: delivered?.text,
        });
    }
    const stdout = demo.stdout.join('\n');
    expect(stdout).toContain('POST /v1/interactions/preview, before any reminder');
    expect(stdout).toContain(`件名: ${summary.draftsAtLogging[0].subject}`);
    // The try-it commands, with this run's keys, under --once too (printed before the summary line).
    expect(stdout).toContain('Try next');
    expect(stdout).toMatch(/export ADVISOR_TOKEN='ey/);
    expect(stdout).toContain('curl -s "$CFU/v1/students/stu-sato/gaps"');
    expect(stdout).toContain('curl -s -X POST "$CFU/v1/interactions/preview"');

    // The advisor's caseload over GraphQL: everyone with an open gap, whether reminded yet or not.
    expect(summary.missingFollowUps.students.sort()).toEqual(['stu-nakamura', 'stu-sato', 'stu-takahashi']);
    expect(processesOn(dir)).toEqual([]);
  }, 90_000);

  /** The demo without --once, once it is waiting for Ctrl-C. */
  const interactiveDemo = async (): Promise<ServerProcess> => {
    const started = spawnBuilt('demo/demo.js', {}, ['--dir', dir, '--timeout', '45'], {
      ownProcessGroup: true,
    });
    demo = started; // stopped after the test even if it never gets ready
    const deadline = Date.now() + 60_000;
    while (!started.stdout.some((l) => l.includes('Press Ctrl-C'))) {
      if (started.child.exitCode !== null)
        throw new Error(`demo exited early:\n${started.stderr.join('\n')}`);
      if (Date.now() > deadline) throw new Error('the demo did not get ready within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return started;
  };

  it('stops the service and its PostgreSQL on Ctrl-C (SIGINT)', async () => {
    demo = await interactiveDemo();
    expect(demo.stdout.join('\n')).toContain('studentsMissingFollowUps');
    expect(demo.stdout.join('\n')).toMatch(/export ADVISOR_TOKEN='ey/);
    expect(processesOn(dir).length).toBeGreaterThan(0);

    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(demo.stderr.join('\n')).toContain('the service and its PostgreSQL are no longer running');
    expect(processesOn(dir)).toEqual([]);
  }, 90_000);

  it('leaves nothing running when the demo itself is killed outright (SIGKILL)', async () => {
    demo = await interactiveDemo();
    expect(processesOn(dir).length).toBeGreaterThan(0);

    demo.child.kill('SIGKILL'); // no handler runs: the service notices its IPC channel close and stops itself
    await demo.exited;
    const stopped = Date.now() + 45_000;
    while (processesOn(dir).length > 0) {
      if (Date.now() > stopped) throw new Error(`still running:\n${processesOn(dir).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 120_000);
});
