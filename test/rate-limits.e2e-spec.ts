import { graphql } from './helpers/advisor-graphql.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/**
 * Issue 13 item 7b/c: one request budget per center, whichever of its API keys is used and on whichever api
 * process: REST_RATE_LIMIT_PER_MINUTE for REST (429 problem+json with Retry-After), and
 * GRAPHQL_RATE_LIMIT_PER_MINUTE for GraphQL through API keys. Issuing more keys does not raise either.
 */
describe('per-center rate limits across API keys and processes', () => {
  const REST_BUDGET = 6;
  const GRAPHQL_BUDGET = 3;
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    const env = {
      REST_RATE_LIMIT_PER_MINUTE: String(REST_BUDGET),
      GRAPHQL_RATE_LIMIT_PER_MINUTE: String(GRAPHQL_BUDGET),
    };
    [first, second] = await Promise.all([
      startTestApp({ role: 'api', env }),
      startTestApp({ role: 'api', env }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  /** A center with two API keys; issuing the second is one REST request of the center's budget. */
  async function centerWithTwoKeys(): Promise<{ center: TestCenter; keys: [string, string] }> {
    const center = await createCenter(first);
    const issued = await first.http.post('/v1/api-keys').set(center.auth).expect(201);
    return { center, keys: [center.apiKey, (issued.body as { apiKey: string }).apiKey] };
  }

  it('shares one REST budget between all keys of a center on all processes; other centers go on', async () => {
    const { keys } = await centerWithTwoKeys();
    let admitted = 1; // issuing the second key
    let refused: Awaited<ReturnType<TestApp['http']['get']>> | undefined;
    for (let i = 0; !refused && i < REST_BUDGET * 3; i++) {
      const app = i % 2 === 0 ? first : second;
      const response = await app.http
        .get('/v1/students')
        .set('Authorization', `Bearer ${keys[i % 2 === 0 ? 0 : 1]}`);
      if (response.status === 200) admitted++;
      else refused = response;
    }
    expect(admitted).toBe(REST_BUDGET);
    expect(refused?.status).toBe(429);
    expect(refused?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused?.body).toMatchObject({ type: '/problems/too-many-requests', status: 429 });
    const retryAfter = Number(refused?.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Both keys are refused now, on both processes, reads and writes alike.
    await first.http.get('/v1/students').set('Authorization', `Bearer ${keys[1]}`).expect(429);
    await second.http.post('/v1/api-keys').set('Authorization', `Bearer ${keys[0]}`).expect(429);

    const other = await createCenter(second);
    await first.http.get('/v1/students').set(other.auth).expect(200);
    // Not counted: admin routes, health, metrics, and GraphQL (its own budget).
    await first.http
      .post('/v1/centers')
      .set('Authorization', `Bearer ${first.runtime.secrets.adminApiKey}`)
      .send({ name: 'another center', timezone: 'Asia/Tokyo' })
      .expect(201);
    await first.http.get('/health/live').expect(200);
    expect((await first.http.get('/metrics')).status).not.toBe(429);
    expect((await graphql(first, keys[0], '{ apiVersion }')).status).toBe(200);
  });

  it('shares one GraphQL budget between all keys of a center; other centers go on', async () => {
    const { keys } = await centerWithTwoKeys();
    const statuses = [];
    for (const [app, key] of [
      [first, keys[0]],
      [second, keys[1]],
      [first, keys[1]],
      [second, keys[0]],
    ] as const)
      statuses.push((await graphql(app, key, '{ apiVersion }')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await graphql(first, keys[1], '{ apiVersion }');
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0].extensions?.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    const other = await createCenter(first);
    expect((await graphql(second, other.apiKey, '{ apiVersion }')).status).toBe(200);
  });

  it('keeps limiting, per process, while the Redis that holds the counters is unreachable', async () => {
    // Redis is the limiter's store whenever REDIS_URL is set; this one never answers.
    const cut = await startTestApp({
      role: 'api',
      redisUrl: 'redis://127.0.0.1:1',
      env: { REST_RATE_LIMIT_PER_MINUTE: '2', GRAPHQL_RATE_LIMIT_PER_MINUTE: '1' },
    });
    try {
      const center = await createCenter(first);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await cut.http.get('/v1/students').set(center.auth)).status);
      expect(statuses).toEqual([200, 200, 429]);
      const graphqlStatuses = [];
      for (let i = 0; i < 2; i++)
        graphqlStatuses.push((await graphql(cut, center.apiKey, '{ apiVersion }')).status);
      expect(graphqlStatuses).toEqual([200, 429]);
    } finally {
      await cut.close();
    }
  });
});
