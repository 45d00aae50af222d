import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { CLOCK, type Clock } from '../common/clock.js';
import { DELIVERY_JOBS, QUEUES, REMINDER_JOBS } from '../jobs/queue-names.js';

/**
 * The queue only triggers work; PostgreSQL holds the truth. Job ids are deterministic, so enqueueing twice is
 * harmless and the sweep can always enqueue again. A dispatch job means "dispatch whatever is due", so
 * reminders falling due at one instant share one job.
 */
@Injectable()
export class ReminderScheduler {
  constructor(
    @InjectQueue(QUEUES.reminders) private readonly reminders: Queue,
    @InjectQueue(QUEUES.deliveries) private readonly deliveries: Queue,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** One delayed job per instant, named after one of its reminders (a reminder and its instant, as before). */
  async scheduleReminders(items: { id: string; at: Date }[]): Promise<void> {
    const firstByInstant = new Map<number, string>();
    for (const { id, at } of items) {
      const first = firstByInstant.get(at.getTime());
      if (first === undefined || id < first) firstByInstant.set(at.getTime(), id);
    }
    await this.dispatchAt([...firstByInstant].map(([at, id]) => ({ jobId: `reminder-${id}-${at}`, at })));
  }

  /** The sweep's trigger: one job per sweep run, so a failed job kept under an older id cannot swallow it. */
  async dispatchDueNow(sweepStartedAt: Date): Promise<void> {
    await this.dispatchAt([
      { jobId: `dispatch-due-${sweepStartedAt.getTime()}`, at: sweepStartedAt.getTime() },
    ]);
  }

  private async dispatchAt(jobs: { jobId: string; at: number }[]): Promise<void> {
    if (jobs.length === 0) return;
    const now = this.clock.now().getTime();
    await this.reminders.addBulk(
      jobs.map(({ jobId, at }) => ({
        name: REMINDER_JOBS.dispatch,
        data: {},
        opts: { jobId, delay: Math.max(0, at - now), removeOnComplete: true, removeOnFail: 1000 },
      })),
    );
  }

  async scheduleDeliveries(items: { id: string; attempts: number; at: Date }[]): Promise<void> {
    if (items.length === 0) return;
    const now = this.clock.now().getTime();
    await this.deliveries.addBulk(
      items.map(({ id, attempts, at }) => ({
        name: DELIVERY_JOBS.deliver,
        data: { deliveryId: id },
        opts: {
          jobId: `delivery-${id}-${attempts}`,
          delay: Math.max(0, at.getTime() - now),
          removeOnComplete: true,
          removeOnFail: 1000,
        },
      })),
    );
  }
}
