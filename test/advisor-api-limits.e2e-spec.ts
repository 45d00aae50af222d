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

  it('leases points of a large budget a few at a time, and two processes together never admit more than it', async () => {
    // A budget of 200 a minute: each process takes 2 points (1 %) from the shared counter at a time.
    const budget = 200;
    const env = {
      GRAPHQL_RATE_LIMIT_PER_MINUTE: String(budget),
      ADVISOR_JWT_SECRET: 'limits-test-'.repeat(4),
    };
    const [a, b] = await Promise.all([
      startTestApp({ role: 'api', env }),
      startTestApp({ role: 'api', env }),
    ]);
    try {
      const leaseCenter = await createCenter(a);
      await a.http.put('/v1/advisors/adv-1').set(leaseCenter.auth).send(advisorBody).expect(201);
      const token = await advisorToken(a, { sub: 'adv-1', center: leaseCenter.id, role: 'advisor' });
      let admitted = 0;
      const refusedBy = new Set<TestApp>();
      for (let i = 0; refusedBy.size < 2 && i < budget * 2; i++) {
        const app = i % 3 === 0 ? b : a; // uneven, so the two processes' leases run out at different times
        const { status } = await graphql(app, token, '{ apiVersion }');
        if (status === 200) admitted++;
        else {
          expect(status).toBe(429);
          refusedBy.add(app);
        }
      }
      expect(refusedBy.size).toBe(2);
      // Never more than the budget; at most the other process's unused lease (2 points) less.
      expect(admitted).toBeLessThanOrEqual(budget);
      expect(admitted).toBeGreaterThanOrEqual(budget - 2);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
