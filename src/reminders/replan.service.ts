import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { transactionWithRetry } from '../database/transaction.js';
import { GapsService } from '../follow-ups/gaps.service.js';

const REMINDERS_PER_BATCH = 500;
const BATCHES_PER_RUN = 10;

/**
 * A reminder that went out changes what comes next: the gap's second nudge, a second check-in 7 days after the
 * first was nudged. The rules plan one nudge per gap at a time, so the student of every SENT reminder is
 * recomputed once, in batches, by the sweep. No hurry is lost by not doing it at send time: the no-nagging
 * rule keeps the next reminder at least 4 hours away, and doing it off the send path keeps dispatch fast.
 */
@Injectable()
export class ReplanService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gaps: GapsService,
  ) {}

  /** Recomputes the students of sent, not yet replanned reminders; returns how many students. */
  async replanAfterSends(): Promise<number> {
    let students = 0;
    for (let batch = 0; batch < BATCHES_PER_RUN; batch++) {
      const done = await transactionWithRetry(this.dataSource, async (manager) => {
        const centers = await manager.query<
          { center_id: string; student_ids: string[]; reminders: number }[]
        >(
          `WITH picked AS (
             SELECT id, center_id, student_id FROM reminders
             WHERE status = 'SENT' AND replanned_at IS NULL
             ORDER BY sent_at LIMIT $1 FOR UPDATE SKIP LOCKED
           ), marked AS (
             UPDATE reminders r SET replanned_at = now() FROM picked WHERE r.id = picked.id
             RETURNING picked.center_id, picked.student_id
           )
           SELECT center_id, array_agg(DISTINCT student_id) AS student_ids, count(*)::int AS reminders
           FROM marked GROUP BY center_id`,
          [REMINDERS_PER_BATCH],
        );
        for (const center of centers)
          await this.gaps.recomputeStudents(manager, center.center_id, center.student_ids);
        return {
          students: centers.reduce((sum, center) => sum + center.student_ids.length, 0),
          reminders: centers.reduce((sum, center) => sum + center.reminders, 0),
        };
      });
      students += done.students;
      if (done.reminders < REMINDERS_PER_BATCH) break;
    }
    return students;
  }
}
