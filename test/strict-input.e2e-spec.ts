import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { graphql } from './helpers/advisor-graphql.js';
import { advisorBody, seedDirectory, studentBody } from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/** The fixtures' int-1 began 2026-11-26T01:00Z and ended 02:00Z; the app's clock stands a day later. */
const NOW = new Date('2026-11-27T00:00:00Z');
const clock = { now: () => new Date(NOW) };
const at = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
const INTERACTION_BEGAN = '2026-11-26T01:00:00.000Z';

type Problem = { type: string; status: number; errors?: { path: string; message: string }[] };
const pathsOf = (body: unknown) => ((body as Problem).errors ?? []).map((e) => e.path);
const studentJson = (externalId?: string) =>
  JSON.stringify({ ...studentBody(), ...(externalId ? { externalId } : {}) });

describe('strict input (REST)', () => {
  let t: TestApp;
  let center: TestCenter;
  let server: Server;
  beforeAll(async () => {
    t = await startTestApp({ clock, isolated: true });
    center = await createCenter(t);
    await seedDirectory(t, center);
    server = t.app.getHttpServer() as Server;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => t.close());

  /** A raw request, for what supertest cannot send: a body without Content-Type, or a chunked one. */
  function raw(
    method: string,
    path: string,
    headers: Record<string, string>,
    chunks: string[],
  ): Promise<{ status: number; type: string | undefined; body: Problem }> {
    return new Promise((resolve, reject) => {
      const { port } = server.address() as AddressInfo;
      const req = httpRequest(
        { host: '127.0.0.1', port, method, path, headers: { ...center.auth, ...headers } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              type: res.headers['content-type'],
              body: text ? (JSON.parse(text) as Problem) : ({} as Problem),
            }),
          );
        },
      );
      req.on('error', reject);
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });
  }

  describe('__proto__, constructor, prototype and inherited names are unknown fields like any other', () => {
    it.each(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'isPrototypeOf', 'toString'])(
      'refuses %s on PUT, naming it',
      async (key) => {
        const body = `{"${key}":{"isAdmin":true},${studentJson().slice(1)}`;
        const response = await t.http
          .put('/v1/students/stu-proto')
          .set(center.auth)
          .set('Content-Type', 'application/json')
          .send(body)
          .expect(400);
        expect((response.body as Problem).errors).toEqual([{ path: key, message: 'is not a known field' }]);
        await t.http.get('/v1/students/stu-proto').set(center.auth).expect(404);
      },
    );

    it.each(['__proto__', 'constructor', 'prototype'])(
      'refuses %s inside a bulk item and deeper, naming it',
      async (key) => {
        const item = `{"${key}":{"a":1},${studentJson('stu-proto-bulk').slice(1)}`;
        const response = await t.http
          .post('/v1/students/bulk')
          .set(center.auth)
          .set('Content-Type', 'application/json')
          .send(`{"items":[${item},{"nested":{"${key}":1}}]}`)
          .expect(200);
        const [first, second] = (response.body as { results: { status: string; error: Problem }[] }).results;
        expect(first.status).toBe('error');
        expect(first.error.errors).toEqual([{ path: key, message: 'is not a known field' }]);
        expect(pathsOf(second.error)).toContain(`nested.${key}`);
        await t.http.get('/v1/students/stu-proto-bulk').set(center.auth).expect(404);
      },
    );

    it('refuses them beside a bulk body and in a query', async () => {
      const bulk = await t.http
        .post('/v1/students/bulk')
        .set(center.auth)
        .set('Content-Type', 'application/json')
        .send(`{"__proto__":{"a":1},"items":[${studentJson('stu-proto-2')}]}`)
        .expect(400);
      expect(pathsOf(bulk.body)).toEqual(['__proto__']);
      const list = await t.http.get('/v1/students?constructor=x&__proto__=y').set(center.auth).expect(400);
      expect(pathsOf(list.body).sort()).toEqual(['__proto__', 'constructor']);
    });
  });

  describe('bodies nested deeper than 32 levels are refused before validation', () => {
    const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    const depthError = { path: '', message: 'must not nest objects and arrays more than 32 levels deep' };

    it.each([33, 1000, 200_000])('answers 400 to a body %d levels deep', async (levels) => {
      const response = await t.http
        .put('/v1/students/stu-deep')
        .set(center.auth)
        .set('Content-Type', 'application/json')
        .send(nested(levels))
        .expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((response.body as Problem).errors).toEqual([depthError]);
    });

    it('counts objects inside a valid body, bulk included, and lets 32 levels through to validation', async () => {
      const deepField = (levels: number) => '{"a":'.repeat(levels - 1) + '1' + '}'.repeat(levels - 1);
      const tooDeep = await t.http
        .post('/v1/students/bulk')
        .set(center.auth)
        .set('Content-Type', 'application/json')
        .send(`{"items":[{"x":${deepField(31)}}]}`) // body, items, the item, then 31: 34 levels
        .expect(400);
      expect((tooDeep.body as Problem).errors).toEqual([depthError]);
      const atLimit = await t.http
        .put('/v1/students/stu-deep')
        .set(center.auth)
        .set('Content-Type', 'application/json')
        .send(`{"x":${deepField(31)},${studentJson().slice(1)}`) // the body, then 31: 32 levels
        .expect(400);
      expect((atLimit.body as Problem).errors).toEqual([{ path: 'x', message: 'is not a known field' }]);
    });
  });

  describe('only application/json bodies are accepted', () => {
    it.each([
      ['application/x-www-form-urlencoded', 'name=x&email=x%40example.com&locale=ja&timezone=Asia%2FTokyo'],
      ['text/plain', studentJson()],
      ['application/merge-patch+json', studentJson()],
      ['application/xml', '<student/>'],
      ['application/octet-stream', studentJson()],
    ])('answers 415 to a %s body and stores nothing', async (type, body) => {
      const response = await t.http
        .put('/v1/students/stu-415')
        .set(center.auth)
        .set('Content-Type', type)
        .send(body)
        .expect(415);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ type: '/problems/unsupported-media-type', status: 415 });
      await t.http.get('/v1/students/stu-415').set(center.auth).expect(404);
    });

    it('answers 415 to a multipart body', async () => {
      await t.http.put('/v1/students/stu-415').set(center.auth).field('name', 'x').expect(415);
    });

    it('answers 415 to a form on a route that takes no body, which the form parser used to read', async () => {
      const response = await t.http
        .post('/v1/api-keys')
        .set(center.auth)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('scope=admin')
        .expect(415);
      expect(response.body).toMatchObject({ status: 415 });
    });

    it('answers 415 to a body without Content-Type, sized or chunked', async () => {
      const sized = await raw('PUT', '/v1/students/stu-415', { 'Content-Length': '2' }, ['{}']);
      expect(sized.status).toBe(415);
      expect(sized.type).toMatch(/^application\/problem\+json/);
      const chunked = await raw('PUT', '/v1/students/stu-415', {}, ['{"name":', '"x"}']);
      expect(chunked.status).toBe(415);
    });

    it('takes application/json with a charset, and a request without a body is not a 415', async () => {
      await t.http
        .put('/v1/students/stu-json')
        .set(center.auth)
        .set('Content-Type', 'application/json; charset=utf-8')
        .send(studentJson())
        .expect(201);
      // No body where one is required: 400, each missing field once.
      const missing = await raw('PUT', '/v1/students/stu-empty', { 'Content-Length': '0' }, []);
      expect(missing.status).toBe(400);
      expect(missing.body.errors?.every((e) => e.message === 'is required')).toBe(true);
      // A route that takes no body: nothing, an empty chunked stream, or an empty typed body all work.
      expect((await raw('POST', '/v1/api-keys', { 'Content-Length': '0' }, [])).status).toBe(201);
      expect((await raw('POST', '/v1/api-keys', {}, [''])).status).toBe(201);
      expect(
        (await raw('POST', '/v1/api-keys', { 'Content-Type': 'text/plain', 'Content-Length': '0' }, []))
          .status,
      ).toBe(201);
    });
  });

  describe('a missing required field says "is required", once', () => {
    it('on PUT', async () => {
      const response = await t.http.put('/v1/students/stu-req').set(center.auth).send({}).expect(400);
      const errors = (response.body as Problem).errors!;
      expect(errors.map((e) => e.path).sort()).toEqual(
        ['advisorExternalId', 'email', 'locale', 'name', 'timezone'].sort(),
      );
      for (const error of errors) expect(error.message).toBe('is required');
    });

    it('in a bulk item, while a present but wrong field keeps its own message', async () => {
      const response = await t.http
        .post('/v1/advisors/bulk')
        .set(center.auth)
        .send({ items: [{ externalId: 'adv-req', name: '' }] })
        .expect(200);
      const [result] = (response.body as { results: { error: Problem }[] }).results;
      expect(result.error.errors).toEqual([
        { path: 'name', message: 'must be longer than or equal to 1 characters' },
        { path: 'email', message: 'is required' },
        { path: 'timezone', message: 'is required' },
      ]);
    });
  });

  describe("a follow-up's sentAt is neither in the future nor before its interaction began", () => {
    const followUp = (id: string, sentAt: string) =>
      t.http
        .put(`/v1/follow-ups/${id}`)
        .set(center.auth)
        .send({ interactionExternalId: 'int-1', channel: 'EMAIL', sentAt });

    it('refuses a sentAt more than 5 minutes ahead of the clock with 400, and takes one within', async () => {
      const response = await followUp('fu-future', at(NOW.toISOString(), 6)).expect(400);
      expect((response.body as Problem).errors).toEqual([
        { path: 'sentAt', message: 'must not be in the future (5 minutes of clock skew are allowed)' },
      ]);
      await t.http.get('/v1/follow-ups/fu-future').set(center.auth).expect(404);
      await followUp('fu-skewed', at(NOW.toISOString(), 4)).expect(201);
    });

    it('refuses a sentAt more than an hour before the interaction began with 422, and takes one within', async () => {
      const response = await followUp('fu-early', at(INTERACTION_BEGAN, -61)).expect(422);
      expect(response.body).toMatchObject({ type: '/problems/unprocessable', status: 422 });
      expect(pathsOf(response.body)).toEqual(['sentAt']);
      expect((response.body as Problem).errors![0].message).toMatch(/before the interaction began/);
      await followUp('fu-early-skew', at(INTERACTION_BEGAN, -59)).expect(201);
    });

    it('checks each bulk item on its own', async () => {
      const item = (externalId: string, sentAt: string) => ({
        externalId,
        interactionExternalId: 'int-1',
        channel: 'EMAIL',
        sentAt,
      });
      const response = await t.http
        .post('/v1/follow-ups/bulk')
        .set(center.auth)
        .send({
          items: [
            item('fu-b1', at(NOW.toISOString(), 60)),
            item('fu-b2', at(INTERACTION_BEGAN, -120)),
            item('fu-b3', at(INTERACTION_BEGAN, 30)),
          ],
        })
        .expect(200);
      const results = (response.body as { results: { status: string; error?: Problem }[] }).results;
      expect(results.map((r) => r.status)).toEqual(['error', 'error', 'created']);
      expect(results[0].error).toMatchObject({ status: 400, errors: [{ path: 'sentAt' }] });
      expect(results[1].error).toMatchObject({ status: 422, errors: [{ path: 'sentAt' }] });
    });
  });

  it('statistics never show a negative time to thank-you', async () => {
    const own = await createCenter(t);
    await seedDirectory(t, own);
    // Sent during the interview (after it began, before it ended): allowed, and 30 minutes "before" its end.
    await t.http
      .put('/v1/follow-ups/fu-during')
      .set(own.auth)
      .send({ interactionExternalId: 'int-1', channel: 'EMAIL', sentAt: '2026-11-26T10:30:00+09:00' })
      .expect(201);
    const stats = await graphql(
      t,
      own.apiKey,
      `
        {
          followUpStats(filter: { from: "2026-11-20T00:00:00Z", to: "2026-11-28T00:00:00Z" }) {
            thankYouGaps
            medianHoursToThankYou
          }
        }
      `,
    );
    expect(stats.errors).toBeUndefined();
    expect(stats.data.followUpStats).toEqual({ thankYouGaps: 1, medianHoursToThankYou: 0 });
  });

  describe('time zones are IANA names, spelled as in the tz database', () => {
    const refused = [
      'JST',
      'PST',
      'EST',
      'CET',
      'GMT',
      'Japan',
      'US/Eastern',
      'asia/tokyo',
      'Asia/tokyo',
      'ASIA/TOKYO',
    ];
    const accepted = [
      'Asia/Tokyo',
      'UTC',
      'Etc/UTC',
      'Asia/Kolkata',
      'Asia/Calcutta',
      'Europe/Kyiv',
      'Etc/GMT-9',
    ];
    const routes: [string, (zone: string, n: number) => Promise<{ status: number; body: unknown }>][] = [
      [
        'students',
        (zone, n) =>
          t.http
            .put(`/v1/students/stu-tz-${n}`)
            .set(center.auth)
            .send({ ...studentBody(), timezone: zone }),
      ],
      [
        'advisors',
        (zone, n) =>
          t.http
            .put(`/v1/advisors/adv-tz-${n}`)
            .set(center.auth)
            .send({ ...advisorBody, timezone: zone }),
      ],
      [
        'centers',
        (zone) =>
          t.http
            .post('/v1/centers')
            .set('Authorization', `Bearer ${t.runtime.secrets.adminApiKey}`)
            .send({ name: 'タイムゾーン大学', timezone: zone }),
      ],
    ];

    it.each(routes)('%s: refuses abbreviations, legacy names and other spellings', async (_name, send) => {
      for (const [n, zone] of refused.entries()) {
        const response = await send(zone, n);
        expect({ zone, status: response.status }).toEqual({ zone, status: 400 });
        expect(pathsOf(response.body)).toEqual(['timezone']);
      }
      const respelled = await send('asia/tokyo', 99);
      expect((respelled.body as Problem).errors).toEqual([
        { path: 'timezone', message: 'must be spelled as in the tz database: Asia/Tokyo' },
      ]);
    });

    it.each(routes)('%s: stores IANA names, links included, as sent', async (_name, send) => {
      for (const [n, zone] of accepted.entries()) {
        const response = await send(zone, 100 + n);
        expect({ zone, status: response.status }).toEqual({ zone, status: expect.any(Number) });
        expect(response.status).toBeLessThan(300);
        expect((response.body as { timezone: string }).timezone).toBe(zone);
      }
    });
  });
});
