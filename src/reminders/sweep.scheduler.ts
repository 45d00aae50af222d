import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { QUEUES, REMINDER_JOBS } from '../jobs/queue-names.js';

/** Registers the periodic sweep and digest check (BullMQ job schedulers: one schedule however many workers upsert it). */
@Injectable()
export class SweepScheduler implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QUEUES.reminders) private readonly queue: Queue,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      'reminder-sweep',
      { every: this.runtime.config.sweepIntervalSeconds * 1000 },
      { name: REMINDER_JOBS.sweep, opts: { removeOnComplete: 10, removeOnFail: 100 } },
    );
    // Digests are due at 09:00 local; checking every minute sends each within a minute of it.
    await this.queue.upsertJobScheduler(
      'escalation-digests',
      { every: 60_000 },
      { name: REMINDER_JOBS.escalate, opts: { removeOnComplete: 10, removeOnFail: 100 } },
    );
  }
}
