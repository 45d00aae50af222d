import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CLOCK, type Clock } from '../common/clock.js';
import { afterCommit } from '../database/transaction.js';
import { ReminderScheduler } from '../jobs/reminder-scheduler.js';
import { planStudent, type StudentPlan } from './domain/plan.js';
import { loadPolicy } from './policies.repository.js';
import { loadStudentFacts } from './student-facts.repository.js';

/**
 * Loads facts → calls the rules → writes gaps and reminders. Every portal write that can change a
 * student's obligations calls `recomputeStudents` in its own transaction, so gaps and reminders commit
 * (or roll back) with the write that caused them. Only the affected students are recomputed.
 */
@Injectable()
export class GapsService {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly scheduler: ReminderScheduler,
  ) {}

  async recomputeStudents(
    manager: EntityManager,
    centerId: string,
    studentIds: readonly string[],
  ): Promise<void> {
    if (studentIds.length === 0) return;
    const now = this.clock.now();
    const ids = [...new Set(studentIds)].sort();
    // One recompute per student at a time: a concurrent one waits here and then sees this one's writes, so
    // neither can close a gap the other just derived. Locked in id order; NO KEY UPDATE, so it does not
    // conflict with the KEY SHARE locks that inserting interactions (foreign keys) takes on the same students.
    await manager.query(`SELECT 1 FROM students WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`, [
      ids,
    ]);
    const policy = await loadPolicy(manager, centerId);
    const facts = await loadStudentFacts(manager, centerId, ids, now);
    const plans = new Map<string, StudentPlan>();
    for (const [id, studentFacts] of facts) plans.set(id, planStudent(studentFacts, policy, now));
    const written = await writePlans(manager, centerId, ids, plans, now);
    // The delayed dispatch jobs go in once the plan is committed; if that fails, the sweep enqueues them.
    afterCommit(manager, () => this.scheduler.scheduleReminders(written));
  }
}

/**
 * Writes the plans of `studentIds` (a student with no plan, e.g. erased, gets none): gaps upserted by their
 * stable ids, gaps no longer derived closed; reminders upserted unless already SENT or FAILED, and pending
 * ones no longer wanted CANCELLED with a reason. A reminder the dispatcher has claimed is never rewritten. A handful of statements for any number of students.
 */
async function writePlans(
  manager: EntityManager,
  centerId: string,
  studentIds: string[],
  plans: Map<string, StudentPlan>,
  now: Date,
): Promise<{ id: string; at: Date }[]> {
  // Rows are written in id order, so concurrent recomputes lock them in the same order.
  const gaps = [...plans]
    .flatMap(([studentId, plan]) => plan.gaps.map((gap) => ({ studentId, gap })))
    .sort((a, b) => (a.gap.id < b.gap.id ? -1 : 1));
  await manager.query(
    `INSERT INTO gaps AS g (id, center_id, student_id, interaction_id, purpose, sequence, opens_at, ideal_by, overdue_at, state, state_reason)
     SELECT id, $1, student_id, interaction_id, purpose, sequence, opens_at, ideal_by, overdue_at, state, state_reason
     FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::smallint[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[])
       AS x(id, student_id, interaction_id, purpose, sequence, opens_at, ideal_by, overdue_at, state, state_reason)
     ON CONFLICT (id) DO UPDATE SET opens_at = EXCLUDED.opens_at, ideal_by = EXCLUDED.ideal_by, overdue_at = EXCLUDED.overdue_at,
       state = EXCLUDED.state, state_reason = EXCLUDED.state_reason, student_id = EXCLUDED.student_id, updated_at = now()
     WHERE (g.opens_at, g.ideal_by, g.overdue_at, g.state, g.state_reason, g.student_id)
       IS DISTINCT FROM (EXCLUDED.opens_at, EXCLUDED.ideal_by, EXCLUDED.overdue_at, EXCLUDED.state, EXCLUDED.state_reason, EXCLUDED.student_id)`,
    [
      centerId,
      gaps.map((g) => g.gap.id),
      gaps.map((g) => g.studentId),
      gaps.map((g) => g.gap.interactionId),
      gaps.map((g) => g.gap.purpose),
      gaps.map((g) => g.gap.sequence),
      gaps.map((g) => g.gap.opensAt.toISO()),
      gaps.map((g) => g.gap.idealBy.toISO()),
      gaps.map((g) => g.gap.overdueAt.toISO()),
      gaps.map((g) => g.gap.state),
      gaps.map((g) => g.gap.stateReason),
    ],
  );
  await manager.query(
    `UPDATE gaps SET state = 'CLOSED', state_reason = 'its interaction was deleted or changed, or the student erased', updated_at = now()
     WHERE student_id = ANY($1::uuid[]) AND state = 'OPEN'
       AND NOT EXISTS (SELECT 1 FROM unnest($2::uuid[]) AS planned(id) WHERE planned.id = gaps.id)`,
    [studentIds, gaps.map((g) => g.gap.id)],
  );

  const reminders = [...plans].flatMap(([studentId, plan]) =>
    plan.reminders.map((reminder) => ({ studentId, reminder })),
  );
  const written = await manager.query<{ id: string }[]>(
    `INSERT INTO reminders AS r (id, center_id, student_id, scheduled_at, status, why)
     SELECT id, $1, student_id, scheduled_at, status, why FROM unnest($2::uuid[], $3::uuid[], $4::timestamptz[], $5::text[], $6::jsonb[])
       AS x(id, student_id, scheduled_at, status, why)
     ON CONFLICT (id) DO UPDATE SET scheduled_at = EXCLUDED.scheduled_at, status = EXCLUDED.status, why = EXCLUDED.why,
       cancel_reason = NULL, updated_at = now()
     WHERE r.status IN ('SCHEDULED', 'SUPPRESSED', 'CANCELLED') AND r.dispatched_at IS NULL
       AND (r.scheduled_at, r.status, r.why) IS DISTINCT FROM (EXCLUDED.scheduled_at, EXCLUDED.status, EXCLUDED.why)
     RETURNING r.id`,
    [
      centerId,
      reminders.map((r) => r.reminder.id),
      reminders.map((r) => r.studentId),
      reminders.map((r) => r.reminder.at.toISO()),
      reminders.map((r) => r.reminder.status),
      reminders.map((r) => JSON.stringify(r.reminder.why)),
    ],
  );
  const writtenIds = new Set(written.map((w) => w.id));
  if (written.length) {
    const items = reminders
      .filter((r) => writtenIds.has(r.reminder.id))
      .flatMap((r) => r.reminder.items.map((item) => ({ reminderId: r.reminder.id, ...item })));
    await manager.query(`DELETE FROM reminder_items WHERE reminder_id = ANY($1::uuid[])`, [[...writtenIds]]);
    await manager.query(
      `INSERT INTO reminder_items (reminder_id, gap_id, nudge) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::smallint[])`,
      [items.map((i) => i.reminderId), items.map((i) => i.gapId), items.map((i) => i.nudge)],
    );
  }
  const scheduled = reminders
    .filter((r) => r.reminder.status === 'SCHEDULED' && writtenIds.has(r.reminder.id))
    .map((r) => ({ id: r.reminder.id, at: r.reminder.at.toJSDate() }));
  // Pending reminders no longer planned: cancelled, with the reason their gaps give.
  await manager.query(
    `UPDATE reminders r SET status = 'CANCELLED', updated_at = now(),
       cancel_reason = coalesce((
         SELECT CASE WHEN bool_and(g.state = 'SATISFIED') THEN 'its gaps were satisfied by a follow-up'
                     WHEN bool_and(g.state = 'DISMISSED') THEN 'its gaps were dismissed by an advisor'
                     WHEN bool_and(g.state = 'CLOSED') THEN 'its gaps were closed: ' || min(g.state_reason)
                     ELSE 'rescheduled: the rules now plan different reminders' END
         FROM reminder_items ri JOIN gaps g ON g.id = ri.gap_id WHERE ri.reminder_id = r.id), 'no longer needed')
     WHERE r.student_id = ANY($1::uuid[])
       AND NOT EXISTS (SELECT 1 FROM unnest($2::uuid[]) AS planned(id) WHERE planned.id = r.id)
       AND r.dispatched_at IS NULL
       AND (r.status = 'SCHEDULED' OR (r.status = 'SUPPRESSED' AND r.scheduled_at > $3))`,
    [studentIds, reminders.map((r) => r.reminder.id), now],
  );
  return scheduled;
}
