import { cacheExchange, Client, fetchExchange } from '@urql/core';
import type { AddressInfo } from 'node:net';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/**
 * Queries sent with GET, as @urql/core sends them by default (`preferGetMethod: 'within-url-limit'`), run when
 * they carry the client's `Authorization` header; CSRF prevention still refuses a GET without it (or without
 * Apollo's own headers), since only such a GET can come from a page on another site. A Basic credential, which
 * browsers do resend by themselves, gets past CSRF prevention but is refused before any operation runs, and
 * GET never runs a mutation.
 */
describe('GET /graphql: CSRF prevention and ordinary clients', () => {
  let t: TestApp;
  let center: TestCenter;
  let baseUrl: string;
  const query = encodeURIComponent('{ apiVersion }');

  beforeAll(async () => {
    t = await startTestApp({ role: 'api' });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    center = await createCenter(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('refuses a GET without Authorization or a preflight-forcing header (CSRF), as before', async () => {
    const refused = await t.http.get(`/graphql?query=${query}`).set('Accept', 'application/json');
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/Cross-Site Request Forgery/);
    // An empty header does not count.
    const empty = await t.http
      .get(`/graphql?query=${query}`)
      .set('Accept', 'application/json')
      .set('Authorization', '');
    expect(empty.status).toBe(400);
    expect(empty.text).toMatch(/Cross-Site Request Forgery/);
    // Apollo's own headers still pass CSRF prevention (then: no token, 401).
    for (const header of ['apollo-require-preflight', 'x-apollo-operation-name']) {
      const passed = await t.http
        .get(`/graphql?query=${query}`)
        .set('Accept', 'application/json')
        .set(header, '1');
      expect({ header, status: passed.status }).toEqual({ header, status: 401 });
    }
  });

  it('answers a GET query that carries the Bearer token', async () => {
    const response = await t.http
      .get(`/graphql?query=${query}`)
      .set('Accept', 'application/json')
      .set(center.auth)
      .expect(200);
    expect(response.body).toEqual({ data: { apiVersion: '1' } });
  });

  it('refuses a GET with a credential the API does not take before anything runs (401), and GET mutations', async () => {
    const basic = await t.http
      .get(`/graphql?query=${query}`)
      .set('Accept', 'application/json')
      .set(
        'Authorization',
        `Basic ${Buffer.from(`admin:${t.runtime.secrets.adminApiKey}`).toString('base64')}`,
      );
    expect(basic.status).toBe(401);
    expect((basic.body as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe(
      'UNAUTHENTICATED',
    );
    expect(basic.text).not.toContain('apiVersion');

    const mutation = encodeURIComponent('mutation { dismissGap(id: "x", reason: "r") { id } }');
    const refused = await t.http
      .get(`/graphql?query=${mutation}`)
      .set('Accept', 'application/json')
      .set(center.auth);
    expect(refused.status).toBe(405);
    expect(refused.text).not.toContain('"data"');
  });

  it('works with @urql/core as configured by default: a GET with the token, variables in the URL', async () => {
    const methods: string[] = [];
    const client = new Client({
      url: `${baseUrl}/graphql`,
      exchanges: [cacheExchange, fetchExchange],
      fetchOptions: { headers: { Authorization: `Bearer ${center.apiKey}` } },
      fetch: (input, init) => {
        methods.push(init?.method ?? 'GET');
        return fetch(input, init);
      },
    });
    const result = await client
      .query(
        'query Missing($first: Int) { apiVersion studentsMissingFollowUps(first: $first) { totalCount } }',
        {
          first: 5,
        },
      )
      .toPromise();
    expect(result.error).toBeUndefined();
    // cacheExchange asks for __typename too.
    expect(result.data).toEqual({
      apiVersion: '1',
      studentsMissingFollowUps: { __typename: 'StudentGapConnection', totalCount: 0 },
    });
    expect(methods).toEqual(['GET']);
  });
});
