import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../common/clock.js';
import { afterCommit, transactionWithRetry } from '../database/transaction.js';
import { ReminderScheduler } from '../jobs/reminder-scheduler.js';
import { DeliveriesRepository } from '../webhooks/deliveries.repository.js';
import { EscalationsRepository, type DueAdvisor } from './escalations.repository.js';

/** Local time from which the day's digest goes out (SPEC rule 9). */
const DIGEST_LOCAL_TIME = '09:00';

/**
 * SPEC rule 9: every day at 09:00 in each advisor's time zone, one `followup.escalation` event listing the
 * advisor's students whose gaps became OVERDUE since the previous digest; none when there is nothing new.
 * The (advisor, local day) row is inserted before anything is sent, so several workers never send two.
 */
@Injectable()
export class EscalationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly escalations: EscalationsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly scheduler: ReminderScheduler,
  ) {}

  /** Decides every digest that is due now; returns how many advisors got one. */
  async run(): Promise<number> {
    const now = this.clock.now();
    const advisors = await this.escalations.dueAdvisors(now, DIGEST_LOCAL_TIME);
    let sent = 0;
    for (const advisor of advisors) if (await this.digest(advisor, now)) sent++;
    return sent;
  }

  private async digest(advisor: DueAdvisor, now: Date): Promise<boolean> {
    return transactionWithRetry(this.dataSource, async (manager) => {
      // An erasure of one of them either commits first (not read below) or waits for this digest's commit
      // and then removes the student from it; without the lock the digest could carry the erased data.
      await this.escalations.lockStudentsOf(manager, advisor.id);
      const students = await this.escalations.newlyOverdueStudents(
        manager,
        advisor.id,
        now,
        advisor.previous_cutoff,
      );
      const claimed = await this.escalations.claimDigest(manager, advisor, now, students.length);
      if (!claimed || students.length === 0) return false; // another worker has it, or nothing new
      const payload = {
        type: 'followup.escalation',
        timestamp: now.toISOString(),
        data: {
          center: { id: advisor.center_id },
          advisor: { externalId: advisor.external_id, name: advisor.name, email: advisor.email },
          date: advisor.local_date,
          students,
        },
      };
      const deliveryIds = await this.deliveries.insertForDigest(
        manager,
        advisor.center_id,
        { messageId: `msg_esc_${advisor.id}_${advisor.local_date}`, body: JSON.stringify(payload) },
        now,
      );
      afterCommit(manager, () =>
        this.scheduler.scheduleDeliveries(deliveryIds.map((id) => ({ id, attempts: 0, at: now }))),
      );
      return deliveryIds.length > 0;
    });
  }
}
