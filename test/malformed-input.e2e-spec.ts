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
