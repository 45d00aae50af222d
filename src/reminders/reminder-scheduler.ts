import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { CLOCK, type Clock } from '../common/clock.js';
import { DELIVERY_JOBS, QUEUES, REMINDER_JOBS } from '../jobs/queue-names.js';

/**
 * The queue only triggers work; PostgreSQL holds the truth. Job ids are deterministic (reminder and its
 * instant; delivery and its attempt), so enqueueing twice is harmless and the sweep can always re-enqueue.
 */
@Injectable()
export class ReminderScheduler {
  constructor(
    @InjectQueue(QUEUES.reminders) private readonly reminders: Queue,
    @InjectQueue(QUEUES.deliveries) private readonly deliveries: Queue,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async scheduleReminders(items: { id: string; at: Date }[]): Promise<void> {
    if (items.length === 0) return;
    const now = this.clock.now().getTime();
    await this.reminders.addBulk(
      items.map(({ id, at }) => ({
        name: REMINDER_JOBS.dispatch,
        data: { reminderId: id },
        opts: {
          jobId: `reminder-${id}-${at.getTime()}`,
          delay: Math.max(0, at.getTime() - now),
          removeOnComplete: true,
          removeOnFail: 1000,
        },
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
