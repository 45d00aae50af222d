import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CLOCK, type Clock } from '../common/clock.js';
import { afterCommit } from '../database/transaction.js';
import { ReminderScheduler } from '../jobs/reminder-scheduler.js';
import { planStudent, type StudentPlan } from './domain/plan.js';
import { closeUnplannedGaps, upsertGaps } from './gaps.repository.js';
import { loadPolicy } from './policies.repository.js';
import { cancelUnplannedReminders, replaceReminderItems, upsertReminders } from './reminders.repository.js';
import { loadStudentFacts, lockStudentsForRecompute } from './student-facts.repository.js';

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
    await lockStudentsForRecompute(manager, centerId, ids);
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
 * ones no longer wanted CANCELLED with a reason. A reminder the dispatcher has claimed is never rewritten.
 * A handful of statements for any number of students.
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
  await upsertGaps(manager, centerId, gaps);
  await closeUnplannedGaps(
    manager,
    centerId,
    studentIds,
    gaps.map((g) => g.gap.id),
  );

  const reminders = [...plans].flatMap(([studentId, plan]) =>
    plan.reminders.map((reminder) => ({ studentId, reminder })),
  );
  const writtenIds = await upsertReminders(manager, centerId, reminders);
  const written = reminders.map((r) => r.reminder).filter((r) => writtenIds.has(r.id));
  await replaceReminderItems(manager, written);
  await cancelUnplannedReminders(
    manager,
    centerId,
    studentIds,
    reminders.map((r) => r.reminder.id),
    now,
  );
  return written.filter((r) => r.status === 'SCHEDULED').map((r) => ({ id: r.id, at: r.at.toJSDate() }));
}
