import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Queue } from 'bullmq';
import { QUEUES } from '../jobs/queue-names.js';

const TIMEOUT_MS = 3000;

/** Ready when the queue backend (Redis, or BullMQ's PostgreSQL backend) answers a cheap read in time. */
@Injectable()
export class QueueHealthIndicator {
  constructor(
    @InjectQueue(QUEUES.housekeeping) private readonly queue: Queue,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy(key = 'queue') {
    const indicator = this.health.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.queue.getJobCounts('waiting'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
        }),
      ]);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : 'unreachable' });
    } finally {
      clearTimeout(timer);
    }
  }
}
