import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { keepJobSchedulers } from './kept-job-schedulers.js';
import { HOUSEKEEPING_JOBS, QUEUES } from './queue-names.js';

/** Registers (and keeps) the hourly housekeeping jobs. */
@Injectable()
export class HousekeepingScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private stop?: () => void;

  constructor(
    @InjectQueue(QUEUES.housekeeping) private readonly queue: Queue,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.stop = await keepJobSchedulers(
      this.queue,
      Object.values(HOUSEKEEPING_JOBS).map((name) => ({
        id: name,
        everyMs: 60 * 60 * 1000,
        jobName: name,
        opts: { removeOnComplete: 100, removeOnFail: 100 },
      })),
      this.runtime.config.sweepIntervalSeconds * 1000,
    );
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }
}
