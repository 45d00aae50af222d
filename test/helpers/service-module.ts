import { Test, type TestingModule } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import type { Clock } from '../../src/common/clock.js';
import type { Runtime } from '../../src/config/runtime.js';
import { QueueReadiness } from '../../src/jobs/queue-readiness.js';
import { testRuntime } from './test-app.js';

/** The service as a Nest module in this process: its providers, no HTTP server, no running queue worker. */
export interface ServiceModule {
  module: TestingModule;
  runtime: Runtime;
  /** Every log line the module wrote, as JSON text. */
  logs: string[];
  /** Closes the module, then drops its database (unless it runs beside another module). */
  close(): Promise<void>;
}

export interface ServiceModuleOptions {
  clock?: Clock;
  env?: Record<string, string>;
  /**
   * Runs on that module's database, queue namespace and encryption key, as a second worker process beside it
   * would; close it before that one. Without it the module is isolated (its own database and namespace).
   */
  beside?: ServiceModule;
}

/**
 * The whole service (role `all`) as a Nest testing module, for tests that call its services directly: no HTTP
 * server is built and no request goes through a route. On the real PostgreSQL and Redis the tests use, with
 * webhooks to loopback allowed. The queue workers are built but never started (QueueReadiness, which starts
 * them, is replaced by a stand-in that does not), so nothing in the background claims or sends what a test
 * drives itself; the jobs the services enqueue stay in Redis, where a test can look at them.
 */
export async function startServiceModule(options: ServiceModuleOptions = {}): Promise<ServiceModule> {
  const { beside } = options;
  const env = {
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    SWEEP_INTERVAL_SECONDS: '3600',
    ...options.env,
    ...(beside ? { ENCRYPTION_KEY: beside.runtime.secrets.encryptionKey.toString('base64') } : {}),
  };
  const { runtime, logger, logs, drop } = await testRuntime(
    beside
      ? {
          role: 'all',
          databaseUrl: beside.runtime.databaseUrl,
          queueNamespace: beside.runtime.queueNamespace,
          env,
        }
      : { role: 'all', isolated: true, env },
  );
  try {
    const module = await Test.createTestingModule({
      imports: [AppModule.forRoot({ runtime, logger, clock: options.clock })],
    })
      .overrideProvider(QueueReadiness)
      .useValue({})
      .compile();
    await module.init();
    return {
      module,
      runtime,
      logs,
      close: async () => {
        await module.close();
        await drop();
      },
    };
  } catch (error) {
    await drop();
    throw error;
  }
}
