import { advisorBody, companyBody, contactBody } from './fixtures.js';
import {
  createCenter,
  startTestApp,
  type TestApp,
  type TestAppOptions,
  type TestCenter,
} from './test-app.js';

export interface DispatchTestAppOptions {
  /** The process role; by default `all`, so this process's own workers dispatch. */
  role?: TestAppOptions['role'];
  /**
   * More environment, over the defaults below: e.g. the ENCRYPTION_KEY that worker processes the test spawns
   * share with this app (they run on its database and queue namespace, `runtime.databaseUrl` and
   * `runtime.queueNamespace`, which close() drops with it).
   */
  env?: Record<string, string>;
}

/**
 * The app for tests that dispatch to a loopback receiver: isolated (other tests' workers, guard on and full
 * retry schedule, must not sweep up its reminders), private webhook URLs allowed, retries scaled down, and
 * the sweep effectively off so the job path itself is what is tested.
 */
export function startDispatchTestApp(options: DispatchTestAppOptions = {}): Promise<TestApp> {
  return startTestApp({
    isolated: true,
    role: options.role,
    env: {
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_RETRY_SCALE: '0.001',
      SWEEP_INTERVAL_SECONDS: '3600',
      ...options.env,
    },
  });
}

/**
 * A new center whose endpoint at `url` subscribes to reminders, with advisor adv-1 and company cmp-1 with
 * its contact ct-1 (山田, 人事部): what every dispatch test starts from.
 */
export async function dispatchCenter(
  t: TestApp,
  url: string,
): Promise<{ center: TestCenter; endpoint: { id: string; secret: string } }> {
  const center = await createCenter(t);
  const endpoint = await t.http
    .post('/v1/webhook-endpoints')
    .set(center.auth)
    .send({ url, eventTypes: ['followup.reminder'] })
    .expect(201);
  await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
  await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
  await t.http
    .put('/v1/companies/cmp-1/contacts/ct-1')
    .set(center.auth)
    .send({ ...contactBody, name: '山田', title: '人事部' })
    .expect(201);
  return { center, endpoint: endpoint.body as { id: string; secret: string } };
}
