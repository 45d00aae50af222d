import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { CLOCK, type Clock } from '../common/clock.js';
import { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import { HOUSEKEEPING_JOBS, QUEUES } from './queue-names.js';
import { HousekeepingService } from './housekeeping.service.js';
import { STARTED_WHEN_QUEUES_ARE_READY } from './queue-readiness.js';

@Processor(QUEUES.housekeeping, { ...STARTED_WHEN_QUEUES_ARE_READY })
export class HousekeepingProcessor extends WorkerHost {
  private readonly logger = new Logger(HousekeepingProcessor.name);

  constructor(
    private readonly housekeeping: HousekeepingService,
    private readonly idempotency: IdempotencyService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  async process(job: Job): Promise<{ deleted: number }> {
    switch (job.name) {
      case HOUSEKEEPING_JOBS.pruneRevokedApiKeys: {
        const deleted = await this.housekeeping.pruneRevokedApiKeys(this.clock.now());
        if (deleted > 0) this.logger.log({ deleted }, 'pruned revoked API keys');
        return { deleted };
      }
      case HOUSEKEEPING_JOBS.purgeIdempotencyKeys: {
        const deleted = await this.idempotency.purgeExpired();
        if (deleted > 0) this.logger.log({ deleted }, 'purged expired idempotency keys');
        return { deleted };
      }
      default:
        throw new Error(`unknown housekeeping job ${job.name}`);
    }
  }
}
