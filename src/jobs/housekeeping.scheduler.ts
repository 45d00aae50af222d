import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { HOUSEKEEPING_JOBS, QUEUES } from './queue-names.js';

/** Registers the periodic housekeeping jobs; upserting a job scheduler is idempotent across workers. */
@Injectable()
export class HousekeepingScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(QUEUES.housekeeping) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      HOUSEKEEPING_JOBS.pruneRevokedApiKeys,
      { every: 60 * 60 * 1000 },
      { name: HOUSEKEEPING_JOBS.pruneRevokedApiKeys, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }
}
