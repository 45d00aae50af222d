import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { Runtime } from '../config/runtime.js';
import { HousekeepingProcessor } from './housekeeping.processor.js';
import { HousekeepingScheduler } from './housekeeping.scheduler.js';
import { HousekeepingService } from './housekeeping.service.js';
import { queueConnection } from './queue-connection.js';
import { QueueErrorLogger } from './queue-error.logger.js';
import { QueueMetrics } from './queue-metrics.js';
import { QueueReadiness } from './queue-readiness.js';
import { ReminderScheduler } from './reminder-scheduler.js';
import { QUEUES } from './queue-names.js';

/**
 * Queues are registered in every role (the API enqueues); processors and schedulers start only where the
 * role runs workers, so `PROCESS_ROLE=api` never consumes jobs.
 */
@Module({})
export class JobsModule {
  static forRoot(runtime: Runtime): DynamicModule {
    const runsWorkers = runtime.config.role !== 'api';
    const workerProviders: Provider[] = runsWorkers ? [HousekeepingProcessor, HousekeepingScheduler] : [];
    const queues = BullModule.registerQueue(...Object.values(QUEUES).map((name) => ({ name })));
    return {
      module: JobsModule,
      global: true,
      imports: [
        DiscoveryModule,
        BullModule.forRoot({ connection: queueConnection(runtime), prefix: runtime.queueNamespace }),
        queues,
      ],
      providers: [
        HousekeepingService,
        QueueErrorLogger,
        QueueMetrics,
        QueueReadiness,
        ReminderScheduler,
        ...workerProviders,
      ],
      exports: [queues, ReminderScheduler],
    };
  }
}
