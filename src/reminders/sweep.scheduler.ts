import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { keepJobSchedulers } from '../jobs/kept-job-schedulers.js';
import { QUEUES, REMINDER_JOBS } from '../jobs/queue-names.js';

/** Registers (and keeps) the periodic sweep and digest check. */
@Injectable()
export class SweepScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private stop?: () => void;

  constructor(
    @InjectQueue(QUEUES.reminders) private readonly queue: Queue,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const interval = this.runtime.config.sweepIntervalSeconds * 1000;
    const opts = { removeOnComplete: 10, removeOnFail: 100 };
    this.stop = await keepJobSchedulers(
      this.queue,
      [
        { id: 'reminder-sweep', everyMs: interval, jobName: REMINDER_JOBS.sweep, opts },
        // Digests are due at 09:00 local; checking every minute sends each within a minute of it.
        { id: 'escalation-digests', everyMs: 60_000, jobName: REMINDER_JOBS.escalate, opts },
      ],
      interval,
    );
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }
}
