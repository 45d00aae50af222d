import {
  existsSync,
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
import { EscalationService } from '../src/reminders/escalation.service.js';
import {
  fieldPaths,
  readBlocks,
  runShell,
  shellVariable,
  startShell,
  valueAt,
  type DocBlock,
} from './helpers/doc-examples.js';
import { eventually, startTestApp, type TestApp } from './helpers/test-app.js';
import { middayZone } from './helpers/webhook-receiver.js';

/**
 * Every example in docs/ runs against the real service (in this process, on a real port, its own database
 * and queue namespace), page by page in reading order, in one working directory and one "shell session":
 * curl blocks must answer the documented statuses, the webhook receiver runs as its own process and must
 * verify real signed deliveries, GraphQL examples must answer without errors, and payload examples must
 * have exactly the fields of real deliveries. docs/README.md describes the markers.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const DOCS = path.join(ROOT, 'docs');
type Data = { student?: { externalId: string }; advisor?: { externalId: string } };
const PAGES = ['integrating-the-portal.md', 'receiving-webhooks.md', 'advisor-queries.md', 'operating.md'];
const PAGES_WITHOUT_EXAMPLES = ['README.md', 'security.md', 'architecture.md'];

describe('docs/ examples', () => {
  let t: TestApp;
  let baseUrl: string;
  let receiverPort: number;
  let cwd: string;
  let stateFile: string;
  let env: NodeJS.ProcessEnv;
  const backgrounds: { stop: () => Promise<void>; output: string[] }[] = [];
  /** Real deliveries the documented receiver printed, by event type. */
  const received = new Map<string, unknown>();

  beforeAll(async () => {
    t = await startTestApp({
      isolated: true,
      env: {
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        WEBHOOK_RETRY_SCALE: '0.1',
        SWEEP_INTERVAL_SECONDS: '5',
      },
    });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    receiverPort = await freePort();
    cwd = mkdtempSync(path.join(tmpdir(), 'cfu-docs-'));
    // The reader's checkout: `node receiver.mjs` finds standardwebhooks and jose, `node dist/...` the build.
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(cwd, 'node_modules'));
    symlinkSync(path.join(ROOT, 'dist'), path.join(cwd, 'dist'));
    stateFile = path.join(cwd, '.docs-state.sh');
    env = {
      PATH: process.env.PATH,
      HOME: cwd,
      LANG: 'C.UTF-8',
      BASE_URL: baseUrl,
      ADMIN_API_KEY: t.runtime.secrets.adminApiKey,
      ADVISOR_JWT_SECRET: t.runtime.secrets.advisorJwtSecret,
      WEBHOOK_URL: `http://127.0.0.1:${receiverPort}/hooks`,
      PORT: String(receiverPort),
      DATABASE_URL: t.runtime.databaseUrl,
    };
  });

  afterAll(async () => {
    for (const background of backgrounds) await background.stop();
    await t?.close();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  const variable = (name: string) => shellVariable(name, cwd, stateFile);
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
  const attemptsBefore = () =>
    (
      JSON.parse(readFileSync(path.join(cwd, 'deliveries.json'), 'utf8')) as {
        items: { attempts: unknown[] }[];
      }
    ).items[0].attempts.length;
  /** The receiver's lines: `<webhook-id> <type> <data as JSON>`. */
  const receiverLines = () =>
    backgrounds
      .flatMap((b) => b.output)
      .map((line) => /^(\S+) (followup\.\S+) (.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null);

  /** Steps the pages name with before=/after=: what a reader would wait for. */
  const steps: Record<string, () => Promise<void>> = {
    /** A reminder due now and an overdue gap for an advisor past 09:00: one of each event reaches the receiver. */
    'reminder-delivered': async () => {
      const auth = await apiKey();
      const zone = middayZone();
      const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
      await t.http
        .put('/v1/advisors/adv-esc')
        .set(auth)
        .send({ name: '佐藤 花子', email: 'hanako.sato@example.ac.jp', timezone: zone })
        .expect(201);
      await t.http
        .put('/v1/students/stu-esc')
        .set(auth)
        .send({
          name: '山田 太郎',
          email: 'taro.yamada@student.example.ac.jp',
          locale: 'ja',
          timezone: zone,
          advisorExternalId: 'adv-esc',
        })
        .expect(201);
      for (const [id, kind, hours] of [
        ['int-esc-1', 'INTERVIEW', 3],
        ['int-esc-2', 'INFO_SESSION', 80],
      ] as const) {
        await t.http
          .put(`/v1/interactions/${id}`)
          .set(auth)
          .send({
            studentExternalId: 'stu-esc',
            companyExternalId: 'cmp-sample',
            kind,
            occurredAt: hoursAgo(hours),
            contactExternalIds: ['ct-yamada'],
            notes: '海外研修制度',
          })
          .expect(201);
      }
      await t.app.get(EscalationService).run(); // the every-minute digest check, now
      for (const [type, who] of [
        ['followup.reminder', (d: Data) => d.student?.externalId === 'stu-esc'],
        ['followup.escalation', (d: Data) => d.advisor?.externalId === 'adv-esc'],
      ] as const) {
        const data = await eventually(
          () =>
            Promise.resolve(
              receiverLines()
                .filter((m) => m[2] === type)
                .map((m) => JSON.parse(m[3]) as Data)
                .find(who),
            ),
          20_000,
          `the receiver to verify a ${type}`,
        );
        received.set(type, { type, timestamp: 'x', data });
      }
    },
    /** The redelivery reached the receiver, which verified it, answered 204 and did not handle it twice. */
    'redelivery-handled': async () => {
      const id = await variable('DELIVERY_ID');
      const before = attemptsBefore();
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
      const before = attemptsBefore();
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

  async function runBlock(block: DocBlock): Promise<void> {
    const where = `${path.basename(block.file)}:${block.line}`;
    if (block.meta.before) await steps[block.meta.before]();
    switch (block.lang) {
      case 'sh': {
        if (block.meta.norun) return checkNorun(block);
        if (block.meta.background) {
          backgrounds.push(startShell(block.code, { cwd, env, stateFile }));
          await eventually(() => portAnswers(receiverPort), 10_000, `${where} to listen`);
          break;
        }
        const result = await runShell(block.code, { cwd, env, stateFile });
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
      case 'js':
        expect(block.meta.file).toBeDefined();
        writeFileSync(path.join(cwd, block.meta.file), block.code);
        break;
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
    });
  }

  it('covers every page of docs/ (README.md, security.md and architecture.md have no examples)', () => {
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
