import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * A client generated from the served document by openapi-typescript (default options), used by a small
 * portal-flow file with openapi-fetch as an integrator would write it, compiles under `--strict` with no
 * casts: fields the server fills in are optional, bulk results' `error` and reminders' `why` are typed.
 */
const FLOW = `import createClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

type Reminder = components['schemas']['ReminderResource'];

const client = createClient<paths>({
  baseUrl: 'http://localhost:3000',
  headers: { Authorization: 'Bearer cfk_example' },
});

export async function syncStudent(): Promise<Reminder[]> {
  const student = await client.PUT('/v1/students/{externalId}', {
    params: { path: { externalId: 'stu-1' } },
    body: {
      name: '山田 太郎',
      email: 'taro.yamada@student.example.ac.jp',
      locale: 'ja',
      timezone: 'Asia/Tokyo',
      advisorExternalId: 'adv-1',
    },
  });
  if (student.error) throw new Error(student.error.detail);
  const created: string = student.data.createdAt;
  const company = await client.PUT('/v1/companies/{externalId}', {
    params: { path: { externalId: 'cmp-1' } },
    body: { name: '株式会社サンプル商事' },
  });
  if (company.error) throw new Error(company.error.detail);
  const interaction = await client.PUT('/v1/interactions/{externalId}', {
    params: { path: { externalId: 'int-1' } },
    body: {
      studentExternalId: 'stu-1',
      companyExternalId: 'cmp-1',
      kind: 'INTERVIEW',
      occurredAt: '2026-11-26T10:00:00+09:00',
    },
  });
  if (interaction.error) throw new Error(\`\${interaction.error.title}: \${interaction.error.detail}\`);
  const bulk = await client.POST('/v1/students/bulk', {
    body: { items: [{ externalId: 'stu-2', name: '佐藤', email: 's@example.ac.jp', locale: 'en', timezone: 'UTC', advisorExternalId: 'adv-1' }] },
  });
  for (const result of bulk.data?.results ?? [])
    if (result.error) console.log(result.externalId, result.error.status, result.error.errors?.[0]?.path);
  const reminders = await client.GET('/v1/reminders', { params: { query: { studentExternalId: 'stu-1' } } });
  if (reminders.error) throw new Error(reminders.error.detail);
  for (const reminder of reminders.data.items)
    console.log(created, reminder.why.timezone, reminder.why.quietHours?.reason, reminder.why.items[0]?.rule);
  const policies = await client.GET('/v1/policies');
  console.log(policies.data?.recompute?.status ?? 'no recompute yet');
  return reminders.data.items;
}
`;

describe('a typed client generated from /openapi.json', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    t = await startTestApp({ role: 'api' });
    dir = mkdtempSync(path.join(tmpdir(), 'cfu-openapi-client-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('compiles a portal flow with openapi-fetch under --strict, without casts', async () => {
    const document = (await t.http.get('/openapi.json').expect(200)).body;
    const schema = astToString(await openapiTS(document));
    writeFileSync(path.join(dir, 'schema.d.ts'), schema);
    writeFileSync(path.join(dir, 'flow.ts'), FLOW);
    writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }');
    symlinkSync(fileURLToPath(new URL('../node_modules', import.meta.url)), path.join(dir, 'node_modules'));
    expect(FLOW).not.toMatch(/\bas\b\s+[A-Za-z{]|<[A-Za-z]+>\s*\w/); // no `as T`, no `<T>value`
    const program = ts.createProgram([path.join(dir, 'flow.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      types: [],
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file
        ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
        : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  });
});
