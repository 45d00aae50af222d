import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import type { WorkerOptions } from 'bullmq';
import { StartupError } from '../common/startup-error.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { DEFAULT_PG_SCHEMA } from './queue-connection.js';
import { registeredQueues, runningWorkers } from './queue-instances.js';

/** Every @Processor's worker options start from these: QueueReadiness starts the workers, not BullMQ. */
export const STARTED_WHEN_QUEUES_ARE_READY: Pick<WorkerOptions, 'autorun'> = { autorun: false };

/**
 * Starts the workers once the queue backend is usable. On BullMQ's PostgreSQL backend that means once every
 * queue and worker has set up its connection (checked or migrated BullMQ's tables): the service refuses to start
 * if one could not, and says "listening" only after all have.
 *
 * Each BullMQ connection sets itself up once and keeps that promise, failure included. A worker already fetching
 * when its setup failed (its database went away, as on a Ctrl-C in a terminal, which stops the embedded
 * PostgreSQL at the same moment; or its tables belong to a newer BullMQ) had every later query fail at once, and
 * its fetch loop, which waits between retries only after a connection error, retried without ever yielding to
 * the event loop: 100 % CPU, and no signal or timer ever ran again. A worker that starts only after a successful
 * setup cannot get there. Redis connections retry by themselves, so on Redis the workers start at once, as
 * BullMQ would start them.
 */
@Injectable()
export class QueueReadiness implements OnApplicationBootstrap {
  private readonly logger = new Logger('Queue');

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly moduleRef: ModuleRef,
    private readonly discovery: DiscoveryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const workers = runningWorkers(this.discovery);
    const autorunning = workers
      .filter((worker) => worker.opts.autorun !== false)
      .map((worker) => worker.name);
    if (autorunning.length > 0) {
      throw new Error(`@Processor without STARTED_WHEN_QUEUES_ARE_READY: ${autorunning.join(', ')}`);
    }
    if (this.runtime.queueBackend === 'postgres') {
      const connections = [...registeredQueues(this.moduleRef).map(([, queue]) => queue), ...workers];
      try {
        await Promise.all(connections.map((connection) => connection.waitUntilReady()));
      } catch (error) {
        const schema = this.runtime.queueNamespace ?? DEFAULT_PG_SCHEMA;
        throw new StartupError(
          `The job queue could not use its tables in PostgreSQL (schema "${schema}"): ` +
            `${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    for (const worker of workers) {
      // run() settles when the worker closes; it rejects only if it could not start at all.
      worker.run().catch((error: unknown) => {
        this.logger.error({ queue: worker.name, err: error }, 'worker did not start');
      });
    }
  }
}
