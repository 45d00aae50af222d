import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../common/clock.js';
import { transactionWithRetry } from '../database/transaction.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { DeliveriesRepository } from '../webhooks/deliveries.repository.js';
import { DueRemindersRepository } from './due-reminders.repository.js';
import { ReminderScheduler } from '../jobs/reminder-scheduler.js';
import { ReplanService } from './replan.service.js';
import { RemindersRepository, type StrandedOutcome } from './reminders.repository.js';
import { RecomputeResumer } from '../follow-ups/recompute-resumer.js';

const SWEEP_LIMIT = 5000;
/** Why a stranded reminder with nowhere left to go FAILED. */
const NO_ENDPOINT_LEFT =
  'its webhook endpoint was deleted before it was delivered, and no enabled endpoint is subscribed to followup.reminder';

/**
 * PostgreSQL is the truth and the queue only a trigger: every sweep re-enqueues whatever is due and not done
 * (a flushed Redis, a job lost to a crash, an enqueue that failed after commit), so work is delayed by at most
 * one sweep interval, never lost. Each sweep enqueues under job ids of its own run (a failed job kept under an
older id would swallow the add); the conditional claims make the extra triggers harmless.
 */
@Injectable()
export class SweepService {
  private readonly logger = new Logger(SweepService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dueReminders: DueRemindersRepository,
    private readonly reminders: RemindersRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly scheduler: ReminderScheduler,
    private readonly replan: ReplanService,
    private readonly recomputes: RecomputeResumer,
    private readonly metrics: MetricsService,
  ) {}

  async sweep(): Promise<{
    reminders: number;
    deliveries: number;
    replanned: number;
    recomputes: number;
    stranded: StrandedOutcome;
  }> {
    const now = this.clock.now();
    // Claimed reminders no delivery will finish: deleting an endpoint deletes its deliveries (ON DELETE
    // CASCADE), often the one still retrying. First, so that a stranded reminder handed back to the
    // dispatcher is among the due ones counted below.
    const stranded = await transactionWithRetry(this.dataSource, (manager) =>
      this.reminders.resolveStranded(manager, SWEEP_LIMIT, NO_ENDPOINT_LEFT),
    );
    if (stranded.sent || stranded.redispatched || stranded.failed)
      this.logger.warn(stranded, 'claimed reminders whose deliveries were deleted with their endpoint');
    this.metrics.reminderTransitions.inc({ state: 'SENT' }, stranded.sent);
    this.metrics.reminderTransitions.inc({ state: 'FAILED' }, stranded.failed);
    // Due anywhere: one sweep serves every center.
    const reminders = await this.dueReminders.countDue(now, SWEEP_LIMIT);
    const deliveries = await this.deliveries.dueUnclaimed(now, SWEEP_LIMIT);
    if (reminders) await this.scheduler.dispatchDueNow(now); // one job drains them all, in batches
    await this.scheduler.scheduleDeliveries(
      deliveries.map((d) => ({ id: d.id, attempts: d.attempts, at: d.next_attempt_at })),
      now,
    );
    if (reminders || deliveries.length) {
      this.logger.log({ reminders, deliveries: deliveries.length }, 'sweep re-enqueued due work');
    }
    const replanned = await this.replan.replanAfterSends();
    const recomputes = await this.recomputes.resumeUnfinished(now);
    return { reminders, deliveries: deliveries.length, replanned, recomputes, stranded };
  }
}
