import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { HOUSEKEEPING_JOBS, QUEUES } from './queue-names.js';

/** Registers the periodic housekeeping jobs; upserting a job scheduler is idempotent across workers. */
@Injectable()
export class HousekeepingScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(QUEUES.housekeeping) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const name of Object.values(HOUSEKEEPING_JOBS)) {
      await this.queue.upsertJobScheduler(
        name,
        { every: 60 * 60 * 1000 },
        { name, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
    }
  }
}
