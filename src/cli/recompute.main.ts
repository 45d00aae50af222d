import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Progress, Step } from './progress.js';

const USAGE = `usage: npm run recompute -- <centerId> [--url http://localhost:3000] [--timeout 600]

Recomputes every student's gaps and reminders of one center in the background (what a policy change does)
and shows how far it got until it finishes. Talks to a running service with the admin key: ADMIN_API_KEY,
else the key generated in DATA_DIR (default ./.data/secrets/admin-api-key).`;

interface RecomputeStatus {
  status: 'pending' | 'running' | 'done';
  requestedAt: string;
  studentsDone: number;
  studentsTotal: number;
}

const POLL_MS = 500;

/** `npm run recompute -- <centerId>`: request a center's recompute over REST and follow it to the end. */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: process.env.CFU_URL ?? `http://localhost:${process.env.PORT || 3000}` },
      timeout: { type: 'string', default: '600' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 64; // EX_USAGE
  }
  const [centerId] = positionals;
  const base = values.url.replace(/\/+$/, '');
  const headers = { Authorization: `Bearer ${adminKey()}` };
  const deadline = Date.now() + Number(values.timeout) * 1000;

  const requested = await fetch(`${base}/v1/centers/${encodeURIComponent(centerId)}/recompute`, {
    method: 'POST',
    headers,
  }).catch((error: unknown) => {
    throw new Error(`cannot reach the service at ${base} (${(error as Error).message}); pass --url`);
  });
  if (requested.status !== 202) throw new Error(await problem(requested));
  const run = (await requested.json()) as RecomputeStatus;
  process.stderr.write(`recompute of center ${centerId} requested (${run.studentsTotal} students)\n`);

  let waiting: Step | undefined = new Step('waiting for a worker to start it');
  let progress: Progress | undefined;
  for (;;) {
    const response = await fetch(`${base}/v1/centers/${encodeURIComponent(centerId)}/recompute`, { headers });
    if (!response.ok) throw new Error(await problem(response));
    const status = (await response.json()) as RecomputeStatus;
    if (status.requestedAt !== run.requestedAt) {
      waiting?.done('superseded');
      process.stderr.write('a newer recompute of this center was requested meanwhile; it carries on\n');
      return 0;
    }
    if (status.status !== 'pending' && waiting) {
      waiting.done('started');
      waiting = undefined;
    }
    if (status.status !== 'pending') {
      progress ??= new Progress('students recomputed', status.studentsTotal);
      if (status.status === 'done') {
        progress.update(status.studentsTotal);
        process.stdout.write(`${JSON.stringify({ centerId, ...status })}\n`);
        return 0;
      }
      progress.update(status.studentsDone);
    }
    if (Date.now() > deadline) {
      waiting?.fail('timed out');
      process.stderr.write(
        `\nnot finished after ${values.timeout} s (${status.status}, ${status.studentsDone}/${status.studentsTotal}); ` +
          'it goes on in the background: is a worker process (PROCESS_ROLE=worker or all) running?\n',
      );
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function adminKey(): string {
  if (process.env.ADMIN_API_KEY) return process.env.ADMIN_API_KEY;
  const file = path.join(process.env.DATA_DIR || './.data', 'secrets', 'admin-api-key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new Error(`no admin key: set ADMIN_API_KEY, or DATA_DIR to where the service keeps it (${file})`);
  }
}

async function problem(response: Response): Promise<string> {
  const body = (await response.json().catch(() => ({}))) as { detail?: string; title?: string };
  return `${response.status} ${body.title ?? response.statusText}: ${body.detail ?? ''}`.trim();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`recompute failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
