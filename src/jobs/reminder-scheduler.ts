import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { CLOCK, type Clock } from '../common/clock.js';
import { DELIVERY_JOBS, QUEUES, REMINDER_JOBS } from '../jobs/queue-names.js';

/**
 * The queue only triggers work; PostgreSQL holds the truth. Job ids are deterministic, so enqueueing twice is
 * harmless, but an add whose id is still kept (a failed job stays under its id, `removeOnFail`) is a no-op:
 * the sweep therefore enqueues under ids of its own run, and the conditional claims keep the extra triggers
 * from doing anything twice. A dispatch job means "dispatch whatever is due", so reminders falling due at one
 * instant share one job.
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

  /**
   * One job per delivery attempt. `sweepStartedAt` (the sweep's trigger) adds the sweep run to the id: a job
   * that failed is kept under `delivery-<id>-<attempts>`, and an add with that id again would be a no-op, so
   * the delivery would stay PENDING forever. The claim keeps an extra trigger to one send.
   */
  async scheduleDeliveries(
    items: { id: string; attempts: number; at: Date }[],
    sweepStartedAt?: Date,
  ): Promise<void> {
    if (items.length === 0) return;
    const now = this.clock.now().getTime();
    const sweep = sweepStartedAt ? `-s${sweepStartedAt.getTime()}` : '';
    await this.deliveries.addBulk(
      items.map(({ id, attempts, at }) => ({
        name: DELIVERY_JOBS.deliver,
        data: { deliveryId: id },
        opts: {
          jobId: `delivery-${id}-${attempts}${sweep}`,
          delay: Math.max(0, at.getTime() - now),
          removeOnComplete: true,
          removeOnFail: 1000,
        },
      })),
    );
  }
}
