import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../common/clock.js';
import { isoUtc } from '../database/sql.js';
import { afterCommit, transactionWithRetry } from '../database/transaction.js';
import { ReminderScheduler } from '../jobs/reminder-scheduler.js';

/** Local time from which the day's digest goes out (SPEC rule 9). */
const DIGEST_LOCAL_TIME = '09:00';

interface DueAdvisor {
  id: string;
  center_id: string;
  external_id: string;
  name: string;
  email: string;
  local_date: string;
  previous_cutoff: Date | null;
}

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
    private readonly scheduler: ReminderScheduler,
  ) {}

  /** Decides every digest that is due now; returns how many advisors got one. */
  async run(): Promise<number> {
    const now = this.clock.now();
    const advisors = await this.dataSource.query<DueAdvisor[]>(
      `SELECT a.id, a.center_id, a.external_id, a.name, a.email, (($1::timestamptz AT TIME ZONE a.timezone)::date)::text AS local_date,
              (SELECT max(d.covers_until) FROM escalation_digests d WHERE d.advisor_id = a.id) AS previous_cutoff
       FROM advisors a
       WHERE ($1::timestamptz AT TIME ZONE a.timezone)::time >= $2::time
         AND NOT EXISTS (SELECT 1 FROM escalation_digests d WHERE d.advisor_id = a.id AND d.local_date = ($1::timestamptz AT TIME ZONE a.timezone)::date)
       LIMIT 1000`,
      [now, DIGEST_LOCAL_TIME],
    );
    let sent = 0;
    for (const advisor of advisors) if (await this.digest(advisor, now)) sent++;
    return sent;
  }

  private async digest(advisor: DueAdvisor, now: Date): Promise<boolean> {
    return transactionWithRetry(this.dataSource, async (manager) => {
      // An erasure of one of them either commits first (not read below) or waits for this digest's commit
      // and then removes the student from it; without the lock the digest could carry the erased data.
      await manager.query(
        `SELECT 1 FROM students WHERE advisor_id = $1 AND erased_at IS NULL ORDER BY id FOR SHARE`,
        [advisor.id],
      );
      const students = await manager.query<{ student: Record<string, unknown> }[]>(
        `SELECT json_build_object('externalId', s.external_id, 'name', s.name, 'email', s.email,
                  'gaps', json_agg(json_build_object('gapId', g.id, 'purpose', g.purpose, 'urgency', 'OVERDUE', 'idealBy', ${isoUtc('g.ideal_by')},
                    'overdueAt', ${isoUtc('g.overdue_at')}, 'interaction', json_build_object('externalId', i.external_id, 'kind', i.kind, 'occurredAt', ${isoUtc('i.occurred_at')}),
                    'company', json_build_object('externalId', c.external_id, 'name', c.name)) ORDER BY g.overdue_at, g.id)) AS student
         FROM gaps g JOIN students s ON s.id = g.student_id JOIN interactions i ON i.id = g.interaction_id JOIN companies c ON c.id = i.company_id
         WHERE s.advisor_id = $1 AND s.erased_at IS NULL AND g.state = 'OPEN' AND i.deleted_at IS NULL
           AND g.overdue_at <= $2 AND ($3::timestamptz IS NULL OR g.overdue_at > $3)
         GROUP BY s.id ORDER BY min(g.overdue_at), s.id`,
        [advisor.id, now, advisor.previous_cutoff],
      );
      const claimed = await manager.query<unknown[]>(
        `INSERT INTO escalation_digests (advisor_id, local_date, center_id, covers_until, students) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (advisor_id, local_date) DO NOTHING RETURNING advisor_id`,
        [advisor.id, advisor.local_date, advisor.center_id, now, students.length],
      );
      if (claimed.length === 0 || students.length === 0) return false; // another worker has it, or nothing new
      const payload = {
        type: 'followup.escalation',
        timestamp: now.toISOString(),
        data: {
          center: { id: advisor.center_id },
          advisor: { externalId: advisor.external_id, name: advisor.name, email: advisor.email },
          date: advisor.local_date,
          students: students.map((s) => s.student),
        },
      };
      const deliveries = await manager.query<{ id: string }[]>(
        `INSERT INTO webhook_deliveries (center_id, endpoint_id, event_type, message_id, payload, next_attempt_at)
         SELECT $1, e.id, 'followup.escalation', $2, $3, $4 FROM webhook_endpoints e
         WHERE e.center_id = $1 AND 'followup.escalation' = ANY(e.event_types) AND e.disabled_at IS NULL
         RETURNING id`,
        [advisor.center_id, `msg_esc_${advisor.id}_${advisor.local_date}`, JSON.stringify(payload), now],
      );
      afterCommit(manager, () =>
        this.scheduler.scheduleDeliveries(deliveries.map((d) => ({ id: d.id, attempts: 0, at: now }))),
      );
      return deliveries.length > 0;
    });
  }
}
