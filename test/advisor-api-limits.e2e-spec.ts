import { advisorToken, graphql } from './helpers/advisor-graphql.js';
import { advisorBody } from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

describe('advisor API limits shared across processes, and production hardening', () => {
  const LIMIT = 3;
  let first: TestApp;
  let second: TestApp;
  let production: TestApp;
  let center: TestCenter;
  beforeAll(async () => {
    // Two api processes of one deployment: the per-token budget is shared through Redis (or PostgreSQL).
    const env = {
      GRAPHQL_RATE_LIMIT_PER_MINUTE: String(LIMIT),
      ADVISOR_JWT_SECRET: 'limits-test-'.repeat(4),
    };
    first = await startTestApp({ role: 'api', env });
    second = await startTestApp({ role: 'api', env });
    production = await startTestApp({ role: 'api', env: { NODE_ENV: 'production' } });
    center = await createCenter(first);
    await first.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close(), production.close()]);
  });

  it('answers 429 with Retry-After once a token spent its budget on any process; other tokens go on', async () => {
    const token = await advisorToken(first, { sub: 'adv-1', center: center.id, role: 'advisor' });
    const statuses = [];
    for (const app of [first, second, first])
      statuses.push((await graphql(app, token, '{ apiVersion }')).status);
    expect(statuses).toEqual([200, 200, 200]);
    const refused = await graphql(second, token, '{ apiVersion }');
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0].extensions?.code).toBe('TOO_MANY_REQUESTS');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await graphql(first, center.apiKey, '{ apiVersion }')).status).toBe(200);
  });

  it('turns off introspection and field suggestions when NODE_ENV=production', async () => {
    const prodCenter = await createCenter(production);
    const introspection = await graphql(production, prodCenter.apiKey, '{ __schema { types { name } } }');
    expect(introspection.status).toBe(400);
    expect(introspection.data).toBeUndefined();
    const typo = await graphql(production, prodCenter.apiKey, '{ studentsMissingFollowUp { totalCount } }');
    expect(typo.status).toBe(400);
    expect(JSON.stringify(typo.errors)).not.toMatch(/Did you mean/);
    // The same typo outside production does suggest, so the check above can fail.
    const dev = await graphql(first, center.apiKey, '{ studentsMissingFollowUp { totalCount } }');
    expect(JSON.stringify(dev.errors)).toMatch(/Did you mean/);
  });
});
