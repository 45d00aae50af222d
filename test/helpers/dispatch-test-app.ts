import { startTestApp, type TestApp } from './test-app.js';

export interface DispatchTestApp {
  t: TestApp;
  databaseUrl: string;
  /** Closes the app and drops its database. */
  stop(): Promise<void>;
}

/**
 * The app for tests that dispatch to a loopback receiver: isolated (other tests' workers, guard on and full
 * retry schedule, must not sweep up its reminders), private webhook URLs allowed, retries scaled down, and
 * the sweep effectively off so the job path itself is what is tested.
 */
export async function startDispatchTestApp(): Promise<DispatchTestApp> {
  const t = await startTestApp({
    isolated: true,
    env: {
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_RETRY_SCALE: '0.001',
      SWEEP_INTERVAL_SECONDS: '3600',
    },
  });
  return { t, databaseUrl: t.runtime.databaseUrl, stop: () => t.close() };
}
