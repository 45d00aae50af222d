import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CLOCK, type Clock } from '../common/clock.js';
import { afterCommit } from '../database/transaction.js';
import { ReminderScheduler } from '../jobs/reminder-scheduler.js';
import { planStudent, type StudentPlan } from './domain/plan.js';
import { closeGaps, upsertGaps, type GapCopies, type StudentGap } from './gaps.repository.js';
import type { StudentFacts } from './domain/facts.js';
import type { InteractionKind } from './domain/vocabulary.js';
import type { Policy } from './domain/policy.js';
import { planChanges, type PlanChanges, type StoredRows } from './plan-changes.js';
import { loadPolicy } from './policies.repository.js';
import { cancelReminders, replaceReminderItems, upsertReminders } from './reminders.repository.js';
import {
  loadRecomputeInputs,
  lockStudentsForRecompute,
  type StudentPlacement,
} from './student-facts.repository.js';

/**
 * Loads facts and stored rows → calls the rules → writes what changed. Every portal write that can change a
 * student's obligations calls `recomputeStudents` in its own transaction, so gaps and reminders commit
 * (or roll back) with the write that caused them. `plan` and `store` are its two halves: previews call `plan`
 * alone, so a preview and the write after it run the same code up to the point of storing. Only the affected students are recomputed, and a student
 * whose plan is what is stored gets no write statement at all (nor a row lock beyond its own).
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
    const ids = [...new Set(studentIds)].sort();
    await lockStudentsForRecompute(manager, centerId, ids);
    await this.store(manager, centerId, await this.plan(manager, centerId, ids));
  }

  /**
   * The first half of a recompute, and all of a preview: loads the students' facts and stored rows and runs the
   * rules. A preview passes `policy` (a proposed one instead of the center's) or `adjust` (to put an interaction
   * not yet stored into the facts, in memory); nothing here writes, so it runs in a read-only transaction too.
   */
  async plan(
    manager: EntityManager,
    centerId: string,
    studentIds: readonly string[],
    options: PlanOptions = {},
  ): Promise<PlannedStudents> {
    const now = this.clock.now();
    const policy = options.policy ?? (await loadPolicy(manager, centerId));
    const { facts, stored, placements } = await loadRecomputeInputs(manager, centerId, studentIds, now);
    options.adjust?.(facts);
    const plans = new Map<string, StudentPlan>();
    for (const [id, studentFacts] of facts) plans.set(id, planStudent(studentFacts, policy, now));
    return { now, policy, facts, plans, stored, placements };
  }

  /** The second half of a recompute: writes what changed between the plans and the stored rows. */
  async store(manager: EntityManager, centerId: string, planned: PlannedStudents): Promise<void> {
    const { plans, stored, now } = planned;
    const changes = planChanges(plans, stored, now);
    const written = await writeChanges(manager, centerId, changes, withCopies(changes.gaps, planned), now);
    // The delayed dispatch jobs go in once the plan is committed; if that fails, the sweep enqueues them.
    if (written.length) afterCommit(manager, () => this.scheduler.scheduleReminders(written));
  }

  /** The center's policy as a recompute would use it (for previews comparing it with a proposed one). */
  currentPolicy(manager: EntityManager, centerId: string): Promise<Policy> {
    return loadPolicy(manager, centerId);
  }
}

export interface PlanOptions {
  /** Plan with this policy instead of the center's stored one. */
  policy?: Policy;
  /** Changes the loaded facts before the rules run (in memory only). */
  adjust?: (facts: Map<string, StudentFacts>) => void;
}

/** What `plan` computed: the instant, the policy and facts it used, the plans, and the rows stored now. */
export interface PlannedStudents {
  now: Date;
  policy: Policy;
  facts: ReadonlyMap<string, StudentFacts>;
  plans: ReadonlyMap<string, StudentPlan>;
  stored: StoredRows;
  placements: ReadonlyMap<string, StudentPlacement>;
}

/** The gaps to write with what each copies from its student and interaction, as this recompute loaded them. */
function withCopies(
  gaps: readonly StudentGap[],
  planned: PlannedStudents,
): (StudentGap & { copies: GapCopies })[] {
  if (gaps.length === 0) return [];
  const kinds = new Map<string, InteractionKind>();
  for (const facts of planned.facts.values()) for (const i of facts.interactions) kinds.set(i.id, i.kind);
  return gaps.map((g) => {
    const kind = kinds.get(g.gap.interactionId)!;
    const placement = planned.placements.get(g.studentId)!;
    return {
      ...g,
      copies: { advisorId: placement.advisorId, graduationYear: placement.graduationYear, kind },
    };
  });
}

/**
 * Writes the changes, each kind in one statement for any number of students (none when there are none): gaps
 * upserted by their stable ids, gaps no longer derived closed; reminders upserted unless SENT, FAILED or
 * claimed by the dispatcher (the statement checks again), their items replaced, and pending ones no longer
 * wanted CANCELLED with the reason their gaps give. Returns the SCHEDULED reminders written.
 */
async function writeChanges(
  manager: EntityManager,
  centerId: string,
  changes: PlanChanges,
  gaps: (StudentGap & { copies: GapCopies })[],
  now: Date,
): Promise<{ id: string; at: Date }[]> {
  await upsertGaps(manager, centerId, gaps);
  await closeGaps(manager, centerId, changes.closedGapIds);
  const writtenIds = await upsertReminders(manager, centerId, changes.reminders);
  const written = changes.reminders.map((r) => r.reminder).filter((r) => writtenIds.has(r.id));
  await replaceReminderItems(manager, written);
  await cancelReminders(manager, centerId, changes.cancelledReminderIds, now);
  return written.filter((r) => r.status === 'SCHEDULED').map((r) => ({ id: r.id, at: new Date(r.at) }));
}
