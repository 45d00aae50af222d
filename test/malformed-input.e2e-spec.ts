import fc from 'fast-check';
import { DataSource } from 'typeorm';
import {
  advisorBody,
  companyBody,
  contactBody,
  interactionBody,
  seedDirectory,
  studentBody,
} from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

const VALID: Record<string, Record<string, unknown>> = {
  '/v1/advisors': advisorBody,
  '/v1/students': studentBody(),
  '/v1/companies': companyBody,
  '/v1/companies/cmp-1/contacts': contactBody,
  '/v1/interactions': interactionBody(),
  '/v1/follow-ups': { interactionExternalId: 'int-1', channel: 'EMAIL', sentAt: '2026-11-26T18:30:00+09:00' },
};
const BULK = ['/v1/advisors', '/v1/students', '/v1/companies', '/v1/interactions', '/v1/follow-ups'];

/** JSON whose strings may hold control characters, U+0000 included (PostgreSQL text cannot store it). */
const anyJson = fc.oneof(fc.jsonValue(), fc.jsonValue({ stringUnit: 'binary-ascii' }));

/**
 * Any JSON value, or a valid body with one field replaced by anything, or an extra field, or a valid body with
 * a control character in one field's text.
 */
const nearlyValid = (collection: string) =>
  fc.oneof(
    anyJson,
    fc
      .record({
        field: fc.constantFrom(...Object.keys(VALID[collection]), 'extra', 'externalId'),
        value: anyJson,
      })
      .map(({ field, value }) => ({
        ...VALID[collection],
        [field]: value,
      })),
    fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue(), { maxKeys: 6 }),
    fc
      .record({
        field: fc.constantFrom(...Object.keys(VALID[collection])),
        value: fc
          .tuple(fc.string(), fc.constantFrom('\u0000', '\u0001', '\u001f', '\u007f'), fc.string())
          .map((parts) => parts.join('')),
      })
      .map(({ field, value }) => ({ ...VALID[collection], [field]: value })),
  );

const request = fc.oneof(
  fc
    .record({
      kind: fc.constant('put' as const),
      collection: fc.constantFrom(...Object.keys(VALID)),
      id: fc.oneof(fc.constantFrom('x-1', 'stu-1', 'int-1'), fc.string({ minLength: 1, maxLength: 140 })),
      body: fc.constant(null),
    })
    .chain((r) => nearlyValid(r.collection).map((body) => ({ ...r, body }))),
  fc
    .record({
      kind: fc.constant('bulk' as const),
      collection: fc.constantFrom(...BULK),
      id: fc.constant(''),
      body: fc.constant(null),
    })
    .chain((r) =>
      fc
        .oneof(
          fc.jsonValue(),
          fc.record({ items: fc.array(nearlyValid(r.collection), { maxLength: 5 }) }),
          fc.record({ items: fc.jsonValue() }),
        )
        .map((body) => ({ ...r, body })),
    ),
  fc.record({
    kind: fc.constant('raw' as const),
    collection: fc.constantFrom(...BULK),
    id: fc.constant(''),
    body: fc.string({ maxLength: 40 }),
  }),
);

/**
 * Throws random and malformed bodies at every PUT and bulk route: nothing may answer 5xx, and a rejected
 * request (4xx) must leave the center's data exactly as it was.
 */
describe('malformed input (property-based)', () => {
  let t: TestApp;
  let center: TestCenter;
  beforeAll(async () => {
    t = await startTestApp();
    center = await createCenter(t);
    await seedDirectory(t, center);
  });
  afterAll(() => t.close());

  async function snapshot(): Promise<string> {
    const tables = ['advisors', 'students', 'companies', 'contacts', 'interactions', 'follow_ups'];
    const parts = await Promise.all(
      tables.map((table) =>
        t.app
          .get(DataSource)
          .query(
            `SELECT coalesce(md5(string_agg(x::text, '|' ORDER BY x.id)), '') AS h FROM ${table} x WHERE x.center_id = $1`,
            [center.id],
          ),
      ),
    );
    return parts.map((rows: { h: string }[]) => rows[0].h).join(':');
  }

  it('never answers 5xx, and a rejected request changes nothing', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ kind, collection, id, body }) => {
        const before = await snapshot();
        const path = kind === 'put' ? `${collection}/${encodeURIComponent(id)}` : `${collection}/bulk`;
        const payload = kind === 'raw' ? String(body) : (JSON.stringify(body) ?? 'null');
        const call = kind === 'put' ? t.http.put(path) : t.http.post(path);
        const response = await call.set(center.auth).set('Content-Type', 'application/json').send(payload);
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) {
          expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
          expectFieldErrorsOn400(response);
          expect(await snapshot()).toBe(before);
        } else {
          accepted++;
        }
      }),
      { numRuns: 600 },
    );
    expect(accepted).toBeGreaterThan(0); // the generator also reaches the write path
  });
});

/** The routes the bodies above do not reach, each with an `:id` filled from `text`. */
const OTHER_ROUTES = [
  ['get', '/v1/advisors/:id'],
  ['get', '/v1/students/:id'],
  ['get', '/v1/students/:id/gaps'],
  ['get', '/v1/interactions/:id'],
  ['get', '/v1/follow-ups/:id'],
  ['get', '/v1/companies/:id/contacts/:id'],
  ['get', '/v1/reminders'],
  ['get', '/v1/policies'],
  ['get', '/v1/api-keys'],
  ['get', '/v1/webhook-endpoints/:id'],
  ['get', '/v1/webhook-deliveries'],
  ['get', '/v1/webhook-deliveries/:id'],
  ['get', '/v1/centers/:id/recompute'],
  ['get', '/v1/students'],
  ['get', '/v1/interactions'],
  ['get', '/v1/advisors'],
  ['get', '/v1/companies'],
  ['get', '/v1/companies/:id/contacts'],
  ['get', '/v1/follow-ups'],
  ['get', '/v1/webhook-endpoints'],
  ['post', '/v1/webhook-endpoints'],
  ['put', '/v1/webhook-endpoints/:id'],
  ['delete', '/v1/webhook-endpoints/:id'],
  ['post', '/v1/webhook-endpoints/:id/rotate-secret'],
  ['post', '/v1/webhook-endpoints/:id/enable'],
  ['post', '/v1/webhook-deliveries/:id/redeliver'],
  ['put', '/v1/policies/:id'],
  ['post', '/v1/api-keys'],
  ['delete', '/v1/api-keys/:id'],
  ['post', '/v1/centers/:id/recompute'],
  ['post', '/v1/centers'],
  ['delete', '/v1/interactions/:id'],
] as const;

const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary-ascii', maxLength: 10 }),
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1e9',
    '501',
    'SENT',
    'FAILED',
    'INTERVIEW',
    'x'.repeat(300),
    'int-1',
    '%',
    '..',
    '00000000-0000-0000-0000-000000000000',
  ),
);
const queryString = fc.dictionary(
  fc.constantFrom('limit', 'cursor', 'status', 'studentExternalId', 'kind', 'limit[]', 'status[]', 'extra'),
  text,
  { maxKeys: 3 },
);
const otherBody = fc.oneof(
  fc.jsonValue({ stringUnit: 'binary-ascii' }),
  fc.record(
    {
      url: fc.oneof(
        text,
        fc.constantFrom('https://example.com/hook', 'http://127.0.0.1:1/x', 'https://0x7f.1/'),
      ),
      events: fc.oneof(fc.array(text, { maxLength: 2 }), fc.constant(['followup.reminder'])),
      description: text,
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      firstNudgeAfter: fc.oneof(text, fc.integer()),
      idealWithin: text,
      overdueAfter: text,
      checkIns: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
  fc.record({ name: text, timezone: text, label: text }, { requiredKeys: [] }),
);

describe('malformed input on the other routes (property-based)', () => {
  let t: TestApp;
  let center: TestCenter;
  beforeAll(async () => {
    t = await startTestApp({ isolated: true });
    center = await createCenter(t);
    await seedDirectory(t, center);
  });
  afterAll(() => t.close());

  it('never answers 5xx to odd ids, query parameters or bodies, as a center or as the admin', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OTHER_ROUTES),
        text,
        queryString,
        otherBody,
        fc.boolean(),
        async ([method, route], id, query, body, asAdmin) => {
          const path = route.replaceAll(':id', encodeURIComponent(id) || 'x');
          const auth = asAdmin ? `Bearer ${t.runtime.secrets.adminApiKey}` : center.auth.Authorization;
          const call = t.http[method](path).set('Authorization', auth).query(query);
          const response =
            method === 'get' || method === 'delete'
              ? await call
              : await call.set('Content-Type', 'application/json').send(JSON.stringify(body) ?? 'null');
          expect(response.status).toBeLessThan(500);
          expectFieldErrorsOn400(response);
        },
      ),
      { numRuns: 600 },
    );
  });
});

/** SPEC 5.1: a 400 carries an `errors` array of `{ path, message }` (path '' for the request as a whole). */
function expectFieldErrorsOn400(response: { status: number; body: { errors?: unknown } }): void {
  if (response.status !== 400) return;
  expect(response.body.errors).toEqual(
    expect.arrayContaining([{ path: expect.any(String), message: expect.any(String) }]),
  );
  for (const error of response.body.errors as object[])
    expect(Object.keys(error).sort()).toEqual(['message', 'path']);
}
