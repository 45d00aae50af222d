import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../common/clock.js';
import { afterCommit, transactionWithRetry } from '../database/transaction.js';
import { buildReminderPayload } from './reminder-payload.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ReminderScheduler } from './reminder-scheduler.js';

/** The reminder's center has an enabled endpoint subscribed to reminders (SQL condition on `r`). */
export const SUBSCRIBED_ENDPOINT = `SELECT 1 FROM webhook_endpoints e
  WHERE e.center_id = r.center_id AND 'followup.reminder' = ANY(e.event_types) AND e.disabled_at IS NULL`;

/**
 * Turns a due reminder into deliveries, once: the reminder is claimed with a conditional update, its gaps are
 * re-checked (a follow-up logged a second ago cancels it), and one delivery per subscribed endpoint is written
 * in the same transaction. Delivery jobs are enqueued after commit.
 */
@Injectable()
export class DispatchService {
  private readonly logger = new Logger(DispatchService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly scheduler: ReminderScheduler,
    private readonly metrics: MetricsService,
  ) {}

  async dispatch(reminderId: string): Promise<void> {
    const now = this.clock.now();
    await transactionWithRetry(this.dataSource, async (manager) => {
      const [reminder] = await manager.query<{ center_id: string }[]>(
        `WITH claimed AS (
           UPDATE reminders r SET dispatched_at = $2, updated_at = now()
           WHERE r.id = $1 AND r.status = 'SCHEDULED' AND r.dispatched_at IS NULL AND r.scheduled_at <= $2
             AND EXISTS (${SUBSCRIBED_ENDPOINT})
           RETURNING r.center_id
         ) SELECT * FROM claimed`,
        [reminderId, now],
      );
      // Not due (rescheduled later), already dispatched, no longer scheduled, or nowhere to send it yet (it
      // stays SCHEDULED and goes out once the center registers an endpoint).
      if (!reminder) return;
      const payload = await buildReminderPayload(manager, reminderId, reminder.center_id, now);
      if (!payload) {
        await this.finish(manager, reminderId, 'CANCELLED', 'its gaps were no longer open when it fell due');
        return;
      }
      const deliveries = await manager.query<{ id: string }[]>(
        `INSERT INTO webhook_deliveries (center_id, endpoint_id, event_type, message_id, payload, reminder_id, next_attempt_at)
         SELECT $1, e.id, 'followup.reminder', $3, $4, $2, $5 FROM webhook_endpoints e
         WHERE e.center_id = $1 AND 'followup.reminder' = ANY(e.event_types) AND e.disabled_at IS NULL
         ON CONFLICT (reminder_id, endpoint_id) DO NOTHING RETURNING id`,
        [reminder.center_id, reminderId, `msg_${reminderId}`, JSON.stringify(payload), now],
      );
      if (deliveries.length === 0) {
        await this.finish(
          manager,
          reminderId,
          'FAILED',
          'no enabled webhook endpoint is subscribed to followup.reminder',
        );
        this.logger.warn(
          { reminderId, centerId: reminder.center_id },
          'reminder due but no webhook endpoint to deliver it to',
        );
        return;
      }
      afterCommit(manager, () =>
        this.scheduler.scheduleDeliveries(deliveries.map((d) => ({ id: d.id, attempts: 0, at: now }))),
      );
    });
  }

  private async finish(
    manager: Parameters<Parameters<typeof transactionWithRetry>[1]>[0],
    id: string,
    status: string,
    reason: string,
  ) {
    await manager.query(
      `UPDATE reminders SET status = $2, cancel_reason = $3, updated_at = now() WHERE id = $1`,
      [id, status, reason],
    );
  }
}
