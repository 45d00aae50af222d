import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { DateTime } from 'luxon';
import { Progress, Step } from '../src/cli/progress.js';
import { VerifyingReceiver, type ReminderEvent } from './receiver.js';
import { sampleCenter, type SampleRequest, type SampleStudent } from './sample-center.js';
import { runningPostgresPid, startDemoService, type DemoService } from './service.js';

const USAGE = `usage: npm run demo [-- --once] [-- --dir <folder>]

Starts the service on the embedded defaults, creates a sample career center, receives its signed reminders on
a local webhook receiver and prints them with their drafts, then what an advisor sees over GraphQL.
  --once        exit when the expected reminders arrived (0) or did not within --timeout seconds (1)
  --dir <path>  where the demo keeps its database and log (default ./.demo; wiped at start)
  --timeout <s> how long to wait for the reminders (default 60)`;

/** Quiet hours (SPEC rule 4): nudges go out only between these local hours. */
const WINDOW = { start: 8, end: 21 };
/** A student this close to either end of quiet hours may or may not get a reminder now: not asserted. */
const BOUNDARY_MINUTES = 3;

const MISSING_FOLLOW_UPS = `query MissingFollowUps {
  studentsMissingFollowUps(first: 20) {
    totalCount
    edges {
      node {
        student { externalId name }
        gaps {
          purpose urgency idealBy overdueAt remindersSent lastRemindedAt nextReminderAt
          interaction { externalId kind occurredAt company { name } }
        }
      }
    }
  }
}`;

interface MissingFollowUps {
  studentsMissingFollowUps: {
    totalCount: number;
    edges: {
      node: {
        student: { externalId: string; name: string };
        gaps: {
          purpose: string;
          urgency: string;
          idealBy: string;
          overdueAt: string;
          remindersSent: number;
          lastRemindedAt: string | null;
          nextReminderAt: string | null;
          interaction: { externalId: string; kind: string; occurredAt: string; company: { name: string } };
        }[];
      };
    }[];
  };
}

type Expectation = 'now' | 'deferred' | 'boundary';

/** What `POST /v1/interactions/preview` answered as an interview was logged (the fields the demo shows). */
interface InteractionPreview {
  reminders: { at: string; status: string; why: { quietHours: { to: string } | null } }[];
  draft: { locale: 'ja' | 'en'; purpose: string; subject: string; text: string };
}

/** A draft the portal had the moment it logged an interview, before any reminder. */
interface LoggedDraft {
  interaction: string;
  studentExternalId: string;
  previewedAt: DateTime;
  /** When the student's first reminder would go out, as the preview planned it. */
  firstReminderAt: string | null;
  /** Where quiet hours moved that reminder to (student-local), if they did. */
  quietHoursTo: string | null;
  draft: InteractionPreview['draft'];
}

const out = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      once: { type: 'boolean', default: false },
      dir: { type: 'string', default: path.resolve('.demo') },
      timeout: { type: 'string', default: '60' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const dir = path.resolve(values.dir);
  const dataDir = path.join(dir, 'data');
  const busy = runningPostgresPid(dataDir);
  if (busy !== undefined) {
    process.stderr.write(
      `another demo is running on ${dir} (its PostgreSQL has pid ${busy}); stop it first\n`,
    );
    return 1;
  }
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // As root, the embedded PostgreSQL runs as the `postgres` user, which must reach DATA_DIR through this folder.
  if (process.getuid?.() === 0) chmodSync(dir, 0o755);

  const receiver = new VerifyingReceiver();
  let service: DemoService | undefined;
  let stopping: Promise<void> | undefined;
  /** Ctrl-C (or SIGTERM) at any point: stop the service and its PostgreSQL, then exit 0. */
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    process.stderr.write(`\n${signal}: stopping the service and its PostgreSQL …\n`);
    stopping = (async () => {
      await receiver.stop();
      await service?.stop();
      reportNothingLeft(dataDir);
      process.exit(0);
    })();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);

  try {
    service = startDemoService(dataDir);
    const baseUrl = await service.ready;
    const now = DateTime.utc();
    const sample = sampleCenter(now);
    const api = client(baseUrl);

    const created = await api<{ id: string; apiKey: string }>('POST', '/v1/centers', service.adminKey, {
      name: sample.name,
      timezone: sample.timezone,
    });
    const centerKey = created.apiKey;
    const seeding = new Progress('seeding the sample center (REST requests)', sample.requests.length + 1);
    const loggedDrafts: LoggedDraft[] = [];
    for (const [index, request] of sample.requests.entries()) {
      if (request.previewWhenLogged) loggedDrafts.push(await previewDraft(api, centerKey, request));
      await api(request.method, request.path, centerKey, request.body, request.what);
      seeding.update(index + 1);
    }
    // Registered last: reminders already due wait (SCHEDULED) until a receiver exists, so each student's due
    // nudges go out together, coalesced, in one reminder (SPEC rule 5).
    const hookUrl = await receiver.start();
    const endpoint = await api<{ id: string; secret: string }>('POST', '/v1/webhook-endpoints', centerKey, {
      url: hookUrl,
      eventTypes: ['followup.reminder', 'followup.escalation'],
    });
    receiver.useSecret(endpoint.secret);
    seeding.update(sample.requests.length + 1);

    // Which students get a reminder now depends on the hour in their zone (quiet hours, SPEC rule 4).
    const expectation = new Map<string, Expectation>();
    for (const student of sample.students.filter((s) => s.nudgeDueNow)) {
      expectation.set(student.externalId, expectationFor(student, now));
    }
    const expectedNow = [...expectation].filter(([, e]) => e === 'now').map(([id]) => id);
    const arrived = (id: string) => receiver.reminders().some((r) => r.data.student.externalId === id);
    const waiting = new Progress('waiting for reminders', expectedNow.length);
    const deadline = Date.now() + Number(values.timeout) * 1000;
    for (;;) {
      const count = expectedNow.filter(arrived).length;
      waiting.update(count);
      if (count === expectedNow.length || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Deliveries of students at the edge of quiet hours may still be on their way: a moment more for them.
    const boundary = [...expectation].filter(([, e]) => e === 'boundary').map(([id]) => id);
    const boundaryDeadline = Date.now() + 3000;
    while (boundary.some((id) => !arrived(id)) && Date.now() < boundaryDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    out();
    out(`Sample center ${sample.name} (id ${created.id}) on ${baseUrl}`);
    out();
    out(
      'Drafts the portal got back the moment it logged an interview (POST /v1/interactions/preview, before any reminder):',
    );
    for (const logged of loggedDrafts) printLoggedDraft(logged, sample.students);
    out();
    out(
      `Reminders received and verified (Standard Webhooks signature) by the demo's receiver at ${hookUrl}:`,
    );
    const reminders = receiver.reminders();
    for (const reminder of reminders) printReminder(reminder, sample.students);
    if (receiver.rejected > 0) out(`!! ${receiver.rejected} deliveries failed signature verification`);

    const deferred = [...expectation].filter(([id, e]) => e !== 'now' && !arrived(id)).map(([id]) => id);
    if (deferred.length) {
      out();
      out('Deferred by quiet hours (nudges go out only 08:00–21:00 in the student’s time zone):');
      for (const id of deferred) {
        const student = sample.students.find((s) => s.externalId === id)!;
        const next = await api<{ items: { scheduledAt: string }[] }>(
          'GET',
          `/v1/reminders?studentExternalId=${id}&status=SCHEDULED&limit=1`,
          centerKey,
        );
        const local = now.setZone(student.timezone);
        const at = next.items[0]
          ? DateTime.fromISO(next.items[0].scheduledAt).setZone(student.timezone)
          : null;
        out(
          `  ${student.name} (${student.timezone}): it is ${local.toFormat('HH:mm')} there; ` +
            (at
              ? `the reminder goes out at ${at.toFormat('yyyy-MM-dd HH:mm')} local time`
              : 'no reminder scheduled'),
        );
      }
    }
    const missing = expectedNow.filter((id) => !arrived(id));
    if (missing.length) out(`!! no reminder within ${values.timeout} s for: ${missing.join(', ')}`);

    const token = await new SignJWT({ center: created.id, role: 'advisor' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sample.advisor.externalId)
      .setExpirationTime('8h')
      .sign(new TextEncoder().encode(service.advisorJwtSecret));
    const graph = await graphql<MissingFollowUps>(baseUrl, token, MISSING_FOLLOW_UPS);
    out();
    out(`GraphQL studentsMissingFollowUps as advisor ${sample.advisor.name} (${sample.advisor.externalId}):`);
    printMissing(graph, now);

    const ok = missing.length === 0 && receiver.rejected === 0 && reminders.length > 0;
    printTryNext(baseUrl, created.id, centerKey, token, service.adminKey, service.logFile, values.once);
    // The last line of --once: one JSON object for scripts and the demo's test.
    if (values.once) {
      out(
        JSON.stringify({
          demo: 'summary',
          ok,
          centerId: created.id,
          companies: sample.companyNames,
          expected: expectedNow,
          draftsAtLogging: loggedDrafts.map((logged) => ({
            interaction: logged.interaction,
            studentExternalId: logged.studentExternalId,
            firstReminderAt: logged.firstReminderAt,
            ...logged.draft,
          })),
          deferred,
          boundary,
          rejectedDeliveries: receiver.rejected,
          received: reminders.map((r) => ({
            studentExternalId: r.data.student.externalId,
            locale: r.data.student.locale,
            items: r.data.items.map((i) => ({
              interaction: i.interaction.externalId,
              purpose: i.purpose,
              urgency: i.urgency,
              company: i.company.name,
              subject: i.draft.subject,
              text: i.draft.text,
            })),
          })),
          missingFollowUps: {
            advisor: sample.advisor.externalId,
            totalCount: graph.studentsMissingFollowUps.totalCount,
            students: graph.studentsMissingFollowUps.edges.map((e) => e.node.student.externalId),
          },
        }),
      );
      await receiver.stop();
      const stop = new Step('stopping the service and its PostgreSQL');
      await service.stop();
      stop.done();
      const clean = reportNothingLeft(dataDir);
      return ok && clean ? 0 : 1;
    }
    out();
    out('The service keeps running with the sample center; new reminders are printed as they arrive.');
    out('Press Ctrl-C to stop it (and its PostgreSQL).');
    receiver.onEvent((event) => {
      if (event.type === 'followup.reminder') printReminder(event.payload as ReminderEvent, sample.students);
      else out(`received ${event.type} (${event.webhookId})`);
    });
    void service.exited.then(async (code) => {
      if (stopping) return;
      process.stderr.write(`the service exited (${code}); see ${service!.logFile}\n`);
      // A crashed service can leave its embedded PostgreSQL running: stop it before leaving.
      await service!.stop().catch(() => undefined);
      process.exit(1);
    });
    return await new Promise<number>(() => undefined); // until Ctrl-C
  } catch (error) {
    if (stopping) return new Promise<number>(() => undefined); // the signal handler exits
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    await receiver.stop();
    await service?.stop();
    reportNothingLeft(dataDir);
    return 1;
  }
}

function expectationFor(student: SampleStudent, now: DateTime): Expectation {
  const open = (at: DateTime) => {
    const hour = at.setZone(student.timezone).hour;
    return hour >= WINDOW.start && hour < WINDOW.end;
  };
  const [a, b] = [open(now), open(now.plus({ minutes: BOUNDARY_MINUTES }))];
  return a && b ? 'now' : !a && !b ? 'deferred' : 'boundary';
}

function printReminder(reminder: ReminderEvent, students: SampleStudent[]): void {
  const { student, items } = reminder.data;
  const zone = students.find((s) => s.externalId === student.externalId)?.timezone ?? '';
  out();
  out(
    `── followup.reminder for ${student.name} <${student.email}> (${student.locale}, ${zone}), ${items.length} item(s)`,
  );
  for (const item of items) {
    const contacts = item.contacts.map((c) => `${c.name}${c.title ? ` (${c.title})` : ''}`).join(', ');
    out(
      `   ${item.purpose} · ${item.urgency} · ${item.interaction.kind} at ${item.company.name}${contacts ? ` with ${contacts}` : ''}`,
    );
    out(`   ${student.locale === 'ja' ? '件名' : 'Subject'}: ${item.draft.subject}`);
    for (const line of item.draft.text.trimEnd().split('\n')) out(`   │ ${line}`);
  }
}

/** The preview of an interaction about to be logged: its draft, and when its student's first reminder goes. */
async function previewDraft(
  api: ReturnType<typeof client>,
  centerKey: string,
  request: SampleRequest,
): Promise<LoggedDraft> {
  const interaction = request.path.split('/').at(-1)!;
  const preview = await api<InteractionPreview>(
    'POST',
    '/v1/interactions/preview',
    centerKey,
    { ...request.body, externalId: interaction },
    `preview of ${request.what}`,
  );
  const first = preview.reminders.find((r) => r.status === 'SCHEDULED');
  return {
    interaction,
    studentExternalId: String(request.body.studentExternalId),
    previewedAt: DateTime.utc(),
    firstReminderAt: first?.at ?? null,
    quietHoursTo: first?.why.quietHours?.to ?? null,
    draft: preview.draft,
  };
}

function printLoggedDraft(logged: LoggedDraft, students: SampleStudent[]): void {
  const student = students.find((s) => s.externalId === logged.studentExternalId)!;
  const { draft, firstReminderAt, previewedAt, quietHoursTo } = logged;
  const at = firstReminderAt ? DateTime.fromISO(firstReminderAt) : null;
  const reminder = !at
    ? 'no reminder planned'
    : at.diff(previewedAt).as('seconds') < 60
      ? 'its first reminder goes out now'
      : `its first reminder ${relative(firstReminderAt!, previewedAt)}` +
        (quietHoursTo
          ? ` (after quiet hours, at ${DateTime.fromISO(quietHoursTo, { setZone: true }).toFormat('HH:mm')} there)`
          : '');
  out();
  out(
    `── ${draft.purpose} draft for ${student.name} (${draft.locale}, ${student.timezone}), ${logged.interaction}; ${reminder}`,
  );
  out(`   ${draft.locale === 'ja' ? '件名' : 'Subject'}: ${draft.subject}`);
  for (const line of draft.text.trimEnd().split('\n')) out(`   │ ${line}`);
}

function printMissing(graph: MissingFollowUps, now: DateTime): void {
  const connection = graph.studentsMissingFollowUps;
  out(`  ${connection.totalCount} student(s), most urgent first`);
  for (const { node } of connection.edges) {
    out(`  ${node.student.name} (${node.student.externalId})`);
    for (const gap of node.gaps) {
      const next = gap.nextReminderAt
        ? `next reminder ${relative(gap.nextReminderAt, now)}`
        : 'no further reminder';
      out(
        `    ${gap.urgency.padEnd(7)} ${gap.purpose.padEnd(9)} ${gap.interaction.kind.padEnd(12)} ${gap.interaction.company.name}` +
          ` · overdue ${relative(gap.overdueAt, now)} · reminders sent ${gap.remindersSent} · ${next}`,
      );
    }
  }
}

function relative(iso: string, now: DateTime): string {
  return DateTime.fromISO(iso).toRelative({ base: now, locale: 'en' }) ?? iso;
}

function printTryNext(
  baseUrl: string,
  centerId: string,
  centerKey: string,
  token: string,
  adminKey: string,
  logFile: string,
  once: boolean,
): void {
  const query =
    '{ studentsMissingFollowUps(first: 5) { totalCount edges { node { student { name } gaps { purpose urgency interaction { company { name } } } } } } }';
  const json = "-H 'Content-Type: application/json'";
  out();
  out(
    once
      ? 'Try next: this run stops its service now (--once); `npm run demo` keeps it running and prints these with its own keys:'
      : 'Try next (in another terminal, while the demo runs):',
  );
  out();
  out(`  export CFU=${baseUrl}`);
  out(`  export CENTER_KEY='${centerKey}'`);
  out(`  export ADVISOR_TOKEN='${token}'   # advisor adv-tanaka, valid 8 h`);
  out(`  export ADMIN_API_KEY='${adminKey}'`);
  out();
  out("  # a student's gaps, and the reminders with why they go out when they do");
  out('  curl -s "$CFU/v1/students/stu-sato/gaps" -H "Authorization: Bearer $CENTER_KEY"');
  out('  curl -s "$CFU/v1/reminders?studentExternalId=stu-sato" -H "Authorization: Bearer $CENTER_KEY"');
  out(
    '  # the student reports the thank-you was sent: the gap is satisfied and pending reminders are cancelled',
  );
  out(
    `  curl -s -X PUT "$CFU/v1/follow-ups/fu-try-1" -H "Authorization: Bearer $CENTER_KEY" -H 'Content-Type: application/json' \\\n` +
      `    -d '{"interactionExternalId":"int-sato-interview","channel":"EMAIL","sentAt":"${DateTime.utc().toISO({ suppressMilliseconds: true })}"}'`,
  );
  out('  # what logging another interview would do (its reminders and thank-you draft), storing nothing');
  out(
    `  curl -s -X POST "$CFU/v1/interactions/preview" -H "Authorization: Bearer $CENTER_KEY" ${json} \\\n` +
      `    -d '${JSON.stringify({
        externalId: 'int-try-1',
        studentExternalId: 'stu-sato',
        companyExternalId: 'co-northwind',
        kind: 'INTERVIEW',
        occurredAt: DateTime.utc().minus({ hours: 1 }).toISO({ suppressMilliseconds: true }),
        contactExternalIds: ['ct-smith'],
      })}'`,
  );
  out("  # the advisor's view over GraphQL");
  out(
    `  curl -s "$CFU/graphql" -H "Authorization: Bearer $ADVISOR_TOKEN" -H 'Content-Type: application/json' \\\n` +
      `    -d '${JSON.stringify({ query })}'`,
  );
  out("  # recompute the center's gaps (what a policy change does), with progress");
  out(`  npm run recompute -- ${centerId} --url "$CFU"`);
  out();
  out(
    `  REST docs: ${baseUrl}/docs · GraphQL: ${baseUrl}/graphql · service log: ${path.relative(process.cwd(), logFile) || logFile}`,
  );
}

/** Says so when the demo's PostgreSQL is gone (and loudly when it is not); true when nothing is left. */
function reportNothingLeft(dataDir: string): boolean {
  const pid = existsSync(dataDir) ? runningPostgresPid(dataDir) : undefined;
  if (pid === undefined) {
    process.stderr.write('stopped: the service and its PostgreSQL are no longer running\n');
    return true;
  }
  process.stderr.write(`!! PostgreSQL (pid ${pid}) is still running on ${dataDir}\n`);
  return false;
}

function client(baseUrl: string) {
  return async <T = unknown>(
    method: string,
    path: string,
    key: string,
    body?: unknown,
    what = `${method} ${path}`,
  ): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${what}: ${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

async function graphql<T>(baseUrl: string, token: string, query: string): Promise<T> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!body.data) throw new Error(`GraphQL answered ${response.status}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
