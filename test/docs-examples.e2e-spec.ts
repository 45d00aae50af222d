import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import {
  fieldPaths,
  npmStandIn,
  readBlocks,
  runShell,
  shellVariable,
  startShell,
  valueAt,
  type DocBlock,
} from './helpers/doc-examples.js';
import { freshDatabase } from './helpers/fresh-database.js';
import { eventually, startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * Every example in docs/ runs against the real service (in this process, on a real port, its own database
 * and queue namespace), page by page in reading order, as a reader on a fresh clone with the embedded
 * defaults would run them: one terminal session that starts in the checkout (a stand-in: the service's
 * DATA_DIR is its `.data`, where the pages read the generated secrets from), with a home and a temporary folder
 * (TMPDIR) of its own.
 * Curl blocks must answer the documented statuses, the webhook receiver runs as its own process in a second
 * terminal and must verify real signed deliveries, GraphQL examples must answer without errors, and payload
 * examples must have exactly the fields of real deliveries. docs/README.md describes the markers.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const DOCS = path.join(ROOT, 'docs');
const PAGES = ['integrating-the-portal.md', 'receiving-webhooks.md', 'advisor-queries.md', 'operating.md'];
const PAGES_WITHOUT_EXAMPLES = [
  'README.md',
  'security.md',
  'architecture.md',
  'benchmarks.md',
  'rules.md',
  'rest-api.md',
  'webhooks.md',
  'graphql-api.md',
];
/** What the stand-in checkout holds: the build the pages run, and the service's DATA_DIR. */
const CHECKOUT_ENTRIES = ['.data', 'dist'];

describe('docs/ examples', () => {
  let t: TestApp;
  let database: { url: string; drop: () => Promise<void> };
  const queueNamespace = `cfu_test_${randomBytes(4).toString('hex')}`;
  let port = 0;
  let baseUrl: string;
  let receiverPort: number;
  let base: string;
  let checkout: string;
  let home: string;
  let temp: string;
  let stateFile: string;
  /** The first terminal's environment: only what the pages leave to the reader (where the service and the receiver listen). */
  let env: NodeJS.ProcessEnv;
  /** A new terminal's environment. */
  let terminal: NodeJS.ProcessEnv;
  const backgrounds: { stop: () => Promise<void>; output: string[] }[] = [];
  /** Real deliveries the documented receiver printed, by event type. */
  const received = new Map<string, unknown>();

  /**
   * Starts (or restarts) the service the way `npm start` in the checkout would: DATA_DIR is its `.data`, and
   * nothing else but the variables a page's `service` block sets. Its schedules are the defaults a reader
   * gets (retries after 5 s and 5 min, a sweep every 30 s, the digest check every minute): the pages wait for
   * what they need as a reader would.
   */
  async function startService(pageEnv: Record<string, string> = {}): Promise<void> {
    t = await startTestApp({
      databaseUrl: database.url,
      queueNamespace,
      env: { DATA_DIR: path.join(checkout, '.data'), ...pageEnv },
    });
    await t.app.listen(port, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
  }

  beforeAll(async () => {
    base = mkdtempSync(path.join(tmpdir(), 'cfu-docs-'));
    checkout = path.join(base, 'checkout');
    home = path.join(base, 'home');
    temp = path.join(base, 'tmp');
    const bin = path.join(base, 'bin');
    for (const dir of [checkout, home, temp, bin]) mkdirSync(dir);
    // The checkout's build (operating.md runs dist/src/database/migrate.main.js); `npm ci` made it for the reader.
    symlinkSync(path.join(ROOT, 'dist'), path.join(checkout, 'dist'));
    writeFileSync(path.join(bin, 'npm'), npmStandIn(ROOT, [ROOT, checkout]));
    chmodSync(path.join(bin, 'npm'), 0o755);
    stateFile = path.join(base, 'session.sh');
    database = await freshDatabase(true);
    await startService();
    baseUrl = `http://127.0.0.1:${port}`;
    receiverPort = await freePort();
    // A home and a temporary folder of its own, as a reader's terminal has (the pages' scratch folders are
    // under ${TMPDIR:-/tmp}).
    terminal = { PATH: `${bin}:${process.env.PATH}`, HOME: home, TMPDIR: temp, LANG: 'C.UTF-8' };
    // The pages default to http://localhost:3000 and port 8080 and say to set these when they differ.
    env = { ...terminal, BASE_URL: baseUrl, RECEIVER_PORT: String(receiverPort) };
  });

  afterAll(async () => {
    // Each step runs whatever failed before it, so a failing page or a stuck process leaves nothing behind.
    const failures: unknown[] = [];
    const attempt = async (step: () => Promise<unknown> | undefined) => {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    };
    for (const background of backgrounds.splice(0))
      await attempt(() => withTimeout(background.stop(), 10_000));
    // Whatever the blocks started and left running (a receiver whose terminal is gone, a script a timed-out
    // block left behind): every such process has the session's home folder in its environment.
    if (base) await attempt(() => stopProcessesUnder(base));
    await attempt(() => t?.close());
    await attempt(() => database?.drop());
    if (base) rmSync(base, { recursive: true, force: true });
    if (failures.length) throw failures[0];
  });

  const variable = (name: string) => shellVariable(name, checkout, stateFile);
  const apiKey = async () => ({ Authorization: `Bearer ${await variable('API_KEY')}` });
  const delivery = async (id: string) =>
    (
      await t.http
        .get(`/v1/webhook-deliveries/${id}`)
        .set(await apiKey())
        .expect(200)
    ).body as {
      attempts: { statusCode: number | null }[];
    };
  /** How many attempts the delivery the page picked had when the page listed it (its deliveries.json). */
  const attemptsBefore = async () =>
    (
      JSON.parse(readFileSync(path.join(await variable('PWD'), 'deliveries.json'), 'utf8')) as {
        items: { attempts: unknown[] }[];
      }
    ).items[0].attempts.length;
  /** The receiver's lines: `<webhook-id> <type> <data as JSON>`. */
  const receiverLines = () =>
    backgrounds
      .flatMap((b) => b.output)
      .map((line) => /^(\S+) (followup\.\S+) (.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null);
  /**
   * A path a page names: `~/…` in the home folder, `${TMPDIR:-/tmp}/…` in the temporary folder, anything else
   * from where the session is.
   */
  const pagePath = async (file: string) => {
    const inTemp = '${TMPDIR:-/tmp}/';
    if (file.startsWith('~/')) return path.join(home, file.slice(2));
    if (file.startsWith(inTemp)) return path.join(temp, file.slice(inTemp.length));
    return path.resolve(await variable('PWD'), file);
  };
  const isInside = (file: string, dir: string) => !path.relative(dir, file).startsWith('..');

  /**
   * Steps the pages name with before=/after=: each waits for what a reader would see (a delivery reaching the
   * receiver, a redelivery answered). None creates anything or makes the service act sooner: the pages do
   * everything, and the service runs on its own schedules.
   */
  const steps: Record<string, () => Promise<void>> = {
    /**
     * The receiver verified and printed deliveries of each event: the real payloads the examples must match
     * (of each event, the one with the most fields: a reminder naming contacts, not one with `contacts: []`).
     */
    'events-received': async () => {
      for (const type of ['followup.reminder', 'followup.escalation']) {
        await eventually(
          () => Promise.resolve(receiverLines().some((m) => m[2] === type) || undefined),
          10_000,
          `the receiver to verify a ${type}`,
        );
        const [data] = receiverLines()
          .filter((m) => m[2] === type)
          .map((m) => JSON.parse(m[3]) as unknown)
          .sort((a, b) => fieldPaths(b).size - fieldPaths(a).size);
        received.set(type, { type, timestamp: 'x', data });
      }
    },
    /** The redelivery reached the receiver, which verified it, answered 204 and did not handle it twice. */
    'redelivery-handled': async () => {
      const id = await variable('DELIVERY_ID');
      const before = await attemptsBefore();
      await eventually(
        async () => {
          const { attempts } = await delivery(id);
          return attempts.length === before + 1 && attempts.at(-1)?.statusCode === 204 ? true : undefined;
        },
        15_000,
        'the redelivery to be answered 204',
      );
    },
    /** After the rotation the receiver, still on the old secret, verified the doubly signed redelivery. */
    'rotation-checked': async () => {
      const id = await variable('DELIVERY_ID');
      const before = await attemptsBefore();
      await eventually(
        async () => {
          const { attempts } = await delivery(id);
          return attempts.length === before + 2 && attempts.at(-1)?.statusCode === 204 ? true : undefined;
        },
        15_000,
        'the redelivery after the rotation to be answered 204',
      );
      const ids = receiverLines().map((m) => m[1]);
      expect(ids.length).toBeGreaterThan(0);
      expect(new Set(ids).size).toBe(ids.length); // each webhook-id handled once
    },
  };

  /** Variables a block marked `env=NAME` needs and the embedded default has not (the page says so). */
  const deployment = (): Record<string, string> => ({ DATABASE_URL: database.url });

  async function runBlock(block: DocBlock): Promise<void> {
    const where = `${path.basename(block.file)}:${block.line}`;
    for (const step of [block.meta.before, block.meta.after].filter(Boolean))
      expect({ where, step, known: step in steps }).toEqual({ where, step, known: true });
    if (block.meta.before) await steps[block.meta.before]();
    switch (block.lang) {
      case 'sh': {
        if (block.meta.norun) return checkNorun(block);
        if (block.meta.service) {
          await restartService(block, where);
          break;
        }
        if (block.meta.background) {
          backgrounds.push(startShell(block.code, { cwd: home, env: terminal }));
          await eventually(() => portAnswers(receiverPort), 10_000, `${where} to listen`);
          break;
        }
        const transient = block.meta.env?.split(',') ?? [];
        const given = deployment();
        for (const name of transient)
          expect({ where, name, known: name in given }).toEqual({ where, name, known: true });
        const result = await runShell(block.code, {
          cwd: checkout,
          env: { ...env, ...Object.fromEntries(transient.map((name) => [name, given[name]])) },
          stateFile,
          transient,
          timeoutMs: 120_000,
        });
        const context = `${where}\n${block.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
        if (result.exitCode !== 0) throw new Error(`exit code ${result.exitCode}: ${context}`);
        const wanted = block.meta.expect?.split(',').map(Number);
        const ok = wanted
          ? result.statuses.join() === wanted.join()
          : result.statuses.every((s) => s >= 200 && s < 300);
        if (!ok)
          throw new Error(`HTTP ${result.statuses.join()} (expected ${wanted?.join() ?? '2xx'}): ${context}`);
        break;
      }
      case 'js': {
        expect(block.meta.file).toBeDefined();
        const file = await pagePath(block.meta.file);
        // Scratch files go to a folder of the reader's own, never into the checkout.
        expect({ where, file, inCheckout: isInside(file, checkout) || isInside(file, ROOT) }).toEqual({
          where,
          file,
          inCheckout: false,
        });
        writeFileSync(file, block.code);
        break;
      }
      case 'graphql':
        await runGraphql(block, where);
        break;
      case 'json': {
        expect(block.meta.shape).toBeDefined();
        const real = received.get(block.meta.shape);
        expect(real).toBeDefined();
        const documented = JSON.parse(block.code) as unknown;
        expect({ where, fields: [...fieldPaths(documented)].sort() }).toEqual({
          where,
          fields: [...fieldPaths(real)].sort(),
        });
        break;
      }
      case 'conf': {
        expect(block.meta.compose).toBe('redis');
        const compose = parse(readFileSync(path.join(ROOT, 'docker/compose.yml'), 'utf8')) as {
          services: { redis: { command: string[] } };
        };
        const command = compose.services.redis.command.join(' ');
        for (const line of block.code.trim().split('\n')) expect(command).toContain(`--${line.trim()}`);
        break;
      }
      default:
        throw new Error(`${where}: a \`\`\`${block.lang} block the test does not know how to run`);
    }
    if (block.meta.after) await steps[block.meta.after]();
  }

  /**
   * A `service` block is typed in the service's own terminal: `VAR=value … npm start` in the checkout. The
   * test restarts its service on the same DATA_DIR, database and port with those variables.
   */
  async function restartService(block: DocBlock, where: string): Promise<void> {
    const command = /^((?:[A-Z][A-Z0-9_]*=\S+\s+)*)npm start$/.exec(block.code.trim());
    expect({ where, command: command?.[0] }).toEqual({ where, command: block.code.trim() });
    const variables = Object.fromEntries(
      [...command![1].matchAll(/([A-Z][A-Z0-9_]*)=(\S+)/g)].map((m) => [m[1], m[2]]),
    );
    if (variables.WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true') {
      // What the page says the restart is for: until then a receiver on this machine is refused.
      const refused = await t.http
        .post('/v1/webhook-endpoints')
        .set(await apiKey())
        .send({ url: `http://127.0.0.1:${receiverPort}/hooks`, eventTypes: ['followup.reminder'] });
      expect({ where, status: refused.status }).toEqual({ where, status: 422 });
    }
    await t.close();
    await startService(variables);
  }

  async function runGraphql(block: DocBlock, where: string): Promise<void> {
    const variables = block.variables
      ? await substitute(JSON.parse(block.variables) as Record<string, unknown>)
      : undefined;
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await variable('TOKEN')}` },
      body: JSON.stringify({ query: block.code, variables }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: unknown };
    expect({ where, status: response.status, errors: body.errors }).toEqual({
      where,
      status: 200,
      errors: undefined,
    });
    if (block.meta.export) {
      const [name, at] = block.meta.export.split(':');
      const value = valueAt(body, at);
      expect({ where, [name]: typeof value }).toEqual({ where, [name]: 'string' });
      writeFileSync(stateFile, `${readFileSync(stateFile, 'utf8')}\nexport ${name}='${String(value)}'\n`);
    }
  }

  /** `"$NAME"` strings in GraphQL variables take the shell variable, as the page says. */
  async function substitute(value: Record<string, unknown>): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const name = typeof v === 'string' ? /^\$([A-Z_][A-Z0-9_]*)$/.exec(v)?.[1] : undefined;
      out[key] = name
        ? await variable(name)
        : v !== null && typeof v === 'object' && !Array.isArray(v)
          ? await substitute(v as Record<string, unknown>)
          : v;
    }
    return out;
  }

  /** Not runnable here (no Docker engine): the files it uses must exist. */
  function checkNorun(block: DocBlock): void {
    const used = [...block.code.matchAll(/(?:cp|-f) (docker\/[\w.-]+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const file of used)
      expect({ file, exists: existsSync(path.join(ROOT, file)) }).toEqual({ file, exists: true });
  }

  for (const page of PAGES) {
    it(`runs every example of docs/${page}`, async () => {
      const blocks = readBlocks(path.join(DOCS, page));
      expect(blocks.length).toBeGreaterThan(0);
      try {
        for (const block of blocks) await runBlock(block);
      } finally {
        if (page === 'receiving-webhooks.md')
          for (const background of backgrounds.splice(0)) await background.stop();
      }
      // Nothing the pages had the reader write landed in the checkout.
      expect(readdirSync(checkout).sort()).toEqual(CHECKOUT_ENTRIES);
    }, 180_000);
  }

  it(`covers every page of docs/ (${PAGES_WITHOUT_EXAMPLES.join(', ')} have no examples)`, () => {
    const pages = readdirSync(DOCS).filter((f) => f.endsWith('.md'));
    expect(pages.sort()).toEqual([...PAGES, ...PAGES_WITHOUT_EXAMPLES].sort());
    for (const page of PAGES_WITHOUT_EXAMPLES) expect(readBlocks(path.join(DOCS, page))).toEqual([]);
  });

  it('names only log messages the code writes, and only metrics /metrics exports', async () => {
    const text = readFileSync(path.join(DOCS, 'operating.md'), 'utf8');
    const section = (title: string) => text.split(`## ${title}\n`)[1].split('\n## ')[0];
    const firstColumn = (table: string) =>
      [...table.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]).filter((name) => name !== 'msg');
    // pino-http writes the request lines.
    const sources = [
      ...sourceTexts(path.join(ROOT, 'src')),
      readFileSync(path.join(ROOT, 'node_modules/pino-http/logger.js'), 'utf8'),
    ].join('\n');
    const messages = firstColumn(section('Logs'));
    expect(messages.length).toBeGreaterThan(10);
    for (const message of messages) {
      // `<port>`-style placeholders stand for values: every literal part must be in the code.
      const inSource = message.split(/<[^>]+>/).every((part) => sources.includes(part));
      expect({ message, inSource }).toEqual({ message, inSource: true });
    }

    const exported = (await t.http.get('/metrics').expect(200)).text;
    const metrics = firstColumn(section('Metrics'));
    expect(metrics.length).toBeGreaterThan(5);
    for (const metric of metrics) {
      const pattern = metric.endsWith('_*') ? `# TYPE ${metric.slice(0, -1)}` : `# TYPE ${metric} `;
      expect({ metric, exported: exported.includes(pattern) }).toEqual({ metric, exported: true });
    }
  });
});

function sourceTexts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceTexts(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [readFileSync(full, 'utf8')] : [];
  });
}

/** Running processes (not zombies) whose command line or environment names `dir`, other than this one. */
function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const environ = readFileSync(`/proc/${name}/environ`, 'utf8');
      if (cmdline.includes(dir) || environ.includes(dir)) pids.push(Number(name));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** Stops every process under `dir`: SIGTERM, then SIGKILL to what is still there after 5 s. */
async function stopProcessesUnder(dir: string): Promise<void> {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    const pids = processesUnder(dir);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // exited meanwhile
      }
    }
    const deadline = Date.now() + 5_000;
    while (processesUnder(dir).length > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function portAnswers(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(undefined));
  });
}
