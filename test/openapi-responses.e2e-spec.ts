import { advisorBody, companyBody, contactBody, studentBody } from './helpers/fixtures.js';
import { OpenApiValidator, type OpenApiDocument } from './helpers/openapi-validator.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/**
 * Real responses of the portal's flow, sent through HTTP, validate against the response schema the served
 * /openapi.json gives their operation and status: what the document says is what the service sends.
 */
describe('real responses validate against /openapi.json', () => {
  let t: TestApp;
  let document: OpenApiDocument;
  let validator: OpenApiValidator;
  let center: TestCenter;
  const checked: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ role: 'api' });
    document = (await t.http.get('/openapi.json').expect(200)).body as OpenApiDocument;
    validator = new OpenApiValidator(document);
    center = await createCenter(t);
  });
  afterAll(() => t.close());

  /** Sends a request and checks its body against the document's schema for `template` and the status. */
  async function call(
    method: 'get' | 'put' | 'post' | 'delete',
    path: string,
    template: string,
    status: number,
    body?: object,
    auth: Record<string, string> = center.auth,
  ) {
    const request = t.http[method](path).set(auth);
    const response = await (body ? request.send(body) : request).expect(status);
    const schema = OpenApiValidator.responseSchema(document, method, template, status);
    expect({ [`${method} ${path} ${status}`]: validator.errors(schema, response.body) }).toEqual({
      [`${method} ${path} ${status}`]: [],
    });
    checked.push(`${method} ${template} ${status}`);
    return response;
  }

  it('the portal flow: advisor, student, company, contact, interaction, gaps, reminders', async () => {
    await call('put', '/v1/advisors/adv-1', '/v1/advisors/{externalId}', 201, advisorBody);
    await call('put', '/v1/students/stu-1', '/v1/students/{externalId}', 201, studentBody());
    await call('put', '/v1/students/stu-1', '/v1/students/{externalId}', 200, {
      ...studentBody(),
      nameLatin: null,
      graduationYear: 2027,
    });
    await call('put', '/v1/companies/cmp-1', '/v1/companies/{externalId}', 201, companyBody);
    await call(
      'put',
      '/v1/companies/cmp-1/contacts/ct-1',
      '/v1/companies/{companyExternalId}/contacts/{externalId}',
      201,
      contactBody,
    );
    await call('put', '/v1/interactions/int-1', '/v1/interactions/{externalId}', 201, {
      studentExternalId: 'stu-1',
      companyExternalId: 'cmp-1',
      kind: 'INTERVIEW',
      occurredAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
      contactExternalIds: ['ct-1'],
    });
    await call('get', '/v1/students/stu-1/gaps', '/v1/students/{externalId}/gaps', 200);
    const reminders = await call('get', '/v1/reminders?studentExternalId=stu-1', '/v1/reminders', 200);
    expect(reminders.body.items.length).toBeGreaterThan(0); // so `why` was validated too
    await call('get', '/v1/students?limit=1', '/v1/students', 200);
    await call('get', '/v1/interactions', '/v1/interactions', 200);
    await call('get', '/v1/students/stu-1', '/v1/students/{externalId}', 200);
    await call('get', '/v1/api-keys', '/v1/api-keys', 200);
    await call('post', '/v1/webhook-endpoints', '/v1/webhook-endpoints', 201, {
      url: 'https://mail.example.ac.jp/hooks',
      eventTypes: ['followup.reminder'],
    });
  });

  it('bulk results, with a failed item whose problem is typed', async () => {
    const bulk = await call('post', '/v1/students/bulk', '/v1/students/bulk', 200, {
      items: [
        { ...studentBody(), externalId: 'stu-2' },
        { ...studentBody(), externalId: 'stu-3', timezone: 'JST' },
      ],
    });
    expect(bulk.body.results[1]).toMatchObject({ status: 'error', error: { status: 400 } });
  });

  it('policies: `recompute` is null until a policy changes, then the recompute it started', async () => {
    const fresh = await createCenter(t);
    const before = await call('get', '/v1/policies', '/v1/policies', 200, undefined, fresh.auth);
    expect(before.body.recompute).toBeNull();
    const body = { firstNudgeAfter: 'PT3H', idealWithin: 'PT24H', overdueAfter: 'PT48H' };
    await call('put', '/v1/policies/INTERVIEW', '/v1/policies/{kind}', 201, body, fresh.auth);
    const after = await call('get', '/v1/policies', '/v1/policies', 200, undefined, fresh.auth);
    expect(after.body.recompute).toMatchObject({ status: expect.any(String) });
  });

  it('errors are the documented problems: 400, 401, 404, 422', async () => {
    await call('put', '/v1/students/stu-9', '/v1/students/{externalId}', 400, {
      ...studentBody(),
      locale: 'fr',
    });
    await call('get', '/v1/students/nobody', '/v1/students/{externalId}', 404);
    await call('get', '/v1/students', '/v1/students', 401, undefined, { Authorization: 'Bearer cfk_wrong' });
    await call('put', '/v1/students/stu-8', '/v1/students/{externalId}', 422, studentBody('adv-missing'));
  });

  it('sends the RateLimit headers where the document says, and not on a 401', async () => {
    const names = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'];
    const ok = await t.http.get('/v1/students').set(center.auth).expect(200);
    const notFound = await t.http.get('/v1/students/nobody').set(center.auth).expect(404);
    for (const response of [ok, notFound]) {
      for (const name of names) expect(response.headers[name]).toMatch(/^\d+$/);
      expect(Number(response.headers['ratelimit-remaining'])).toBeLessThan(
        Number(response.headers['ratelimit-limit']),
      );
    }
    expect(Number(ok.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
    const refused = await t.http.get('/v1/students').set('Authorization', 'Bearer cfk_wrong').expect(401);
    for (const name of names) expect(refused.headers[name]).toBeUndefined();
    type Responses = Record<string, { headers?: Record<string, unknown> }>;
    const responses = (document.paths['/v1/students'].get as unknown as { responses: Responses }).responses;
    for (const status of ['200', '400', '429'])
      expect(Object.keys(responses[status].headers ?? {})).toEqual(
        expect.arrayContaining(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']),
      );
    expect(responses['401'].headers).not.toHaveProperty('RateLimit-Limit');
    const health = document.paths['/health/live'].get as unknown as { responses: Responses };
    expect(health.responses['200'].headers).not.toHaveProperty('RateLimit-Limit');
  });

  afterAll(() => {
    // The flow covered the portal's main operations.
    expect(checked.length).toBeGreaterThanOrEqual(20);
  });
});
