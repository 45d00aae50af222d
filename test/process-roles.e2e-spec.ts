import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { HousekeepingProcessor } from '../src/jobs/housekeeping.processor.js';
import { HOUSEKEEPING_JOBS, QUEUES } from '../src/jobs/queue-names.js';
import { createCenter, eventually, startTestApp, type TestApp } from './helpers/test-app.js';

describe('process roles (PROCESS_ROLE=api|worker) on the real queue', () => {
  // A namespace of this test's own, so no other test's worker can take these jobs.
  const queueNamespace = `cfu_test_${randomBytes(4).toString('hex')}`;
  let api: TestApp;
  let worker: TestApp | undefined;

  beforeAll(async () => {
    api = await startTestApp({ role: 'api', queueNamespace });
  });
  afterAll(async () => {
    await worker?.close();
    await api.close();
    if (!process.env.TEST_REDIS_URL) {
      await api.app
        .get(DataSource)
        .query(`DROP SCHEMA IF EXISTS "${queueNamespace}" CASCADE`)
        .catch(() => undefined);
    }
  });

  it('api serves REST and GraphQL but starts no job processors', async () => {
    await api.http.get('/openapi.json').expect(200);
    // Mounted and guarded: without a token, 401 UNAUTHENTICATED (not 404).
    const graphql = await api.http.post('/graphql').send({ query: '{ apiVersion }' }).expect(401);
    expect(graphql.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(() => api.app.get(HousekeepingProcessor)).toThrow();
  });

  it('worker serves only health and metrics, and runs the jobs the api enqueued', async () => {
    const dataSource = api.app.get(DataSource);
    const center = await createCenter(api);
    const extra = await api.http.post('/v1/api-keys').set(center.auth).expect(201);
    await api.http.delete(`/v1/api-keys/${extra.body.id}`).set(center.auth).expect(204);
    await dataSource.query(`UPDATE api_keys SET revoked_at = now() - interval '40 days' WHERE id = $1`, [
      extra.body.id,
    ]);

    const queue = api.app.get<Queue>(getQueueToken(QUEUES.housekeeping));
    const job = await queue.add(HOUSEKEEPING_JOBS.pruneRevokedApiKeys, {});
    expect(await job.getState()).toBe('waiting'); // nothing in the api process consumes it

    worker = await startTestApp({ role: 'worker', queueNamespace });
    await worker.http.get('/health/ready').expect(200);
    await worker.http.get('/metrics').expect(200);
    await worker.http.get('/openapi.json').expect(404);
    await worker.http.get('/v1/api-keys').set(center.auth).expect(404);

    await eventually(
      async () => ((await job.getState()) === 'completed' ? true : undefined),
      20000,
      'the job to complete',
    );
    const rows = await dataSource.query('SELECT id FROM api_keys WHERE center_id = $1', [center.id]);
    expect(rows).toHaveLength(1); // the revoked key is gone, the center's first key stays
  });
});
