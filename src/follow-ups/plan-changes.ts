import type { StudentPlan } from './domain/plan.js';
import type { GapState, ReminderStatus } from './domain/vocabulary.js';
import type { StudentGap } from './gaps.repository.js';
import type { StudentReminder } from './reminders.repository.js';

/** A gap as stored: the columns a recompute derives. */
export interface StoredGap {
  id: string;
  studentId: string;
  /** Epoch milliseconds, as the plan's. */
  opensAt: number;
  idealBy: number;
  overdueAt: number;
  state: GapState;
  stateReason: string | null;
}

/** A reminder as stored; `why` only while it can still be rewritten (SCHEDULED or SUPPRESSED, not claimed). */
export interface StoredReminder {
  id: string;
  studentId: string;
  status: ReminderStatus;
  scheduledAt: Date;
  /** Claimed by the dispatcher: never rewritten or cancelled by a recompute. */
  dispatched: boolean;
  why: unknown;
}

/**
 * What the recomputed students have now: every gap, and every reminder except undispatched CANCELLED ones (a
 * plan that wants one of those back writes it as if new; the upsert revives it).
 */
export interface StoredRows {
  gaps: ReadonlyMap<string, StoredGap>;
  reminders: ReadonlyMap<string, StoredReminder>;
}

/** The writes that take the stored rows to the plans; all empty when nothing changed. */
export interface PlanChanges {
  /** New or changed gaps, in id order (the order concurrent recomputes lock them in). */
  gaps: StudentGap[];
  /** Open gaps no longer derived. */
  closedGapIds: string[];
  /** New or changed reminders that may still be rewritten, in id order. */
  reminders: StudentReminder[];
  /** Pending reminders no longer planned. */
  cancelledReminderIds: string[];
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Compares the plans of the recomputed students with their stored rows (`stored` holds exactly those
 * students' rows; a student without a plan, e.g. erased, keeps none open or pending).
 */
export function planChanges(
  plans: ReadonlyMap<string, StudentPlan>,
  stored: StoredRows,
  now: Date,
): PlanChanges {
  const gaps: StudentGap[] = [];
  const reminders: StudentReminder[] = [];
  const plannedGaps = new Set<string>();
  const plannedReminders = new Set<string>();
  for (const [studentId, plan] of plans) {
    for (const gap of plan.gaps) {
      plannedGaps.add(gap.id);
      const row = stored.gaps.get(gap.id);
      const same =
        row &&
        row.studentId === studentId &&
        row.opensAt === gap.opensAt &&
        row.idealBy === gap.idealBy &&
        row.overdueAt === gap.overdueAt &&
        row.state === gap.state &&
        row.stateReason === gap.stateReason;
      if (!same) gaps.push({ studentId, gap });
    }
    for (const reminder of plan.reminders) {
      plannedReminders.add(reminder.id);
      const row = stored.reminders.get(reminder.id);
      if (row && !rewritable(row)) continue; // SENT, FAILED or claimed: the upsert would leave it too
      const same =
        row &&
        row.studentId === studentId &&
        row.status === reminder.status &&
        row.scheduledAt.getTime() === reminder.at &&
        // As stored: through JSON, so undefined fields drop out and key order does not matter.
        sameJson(JSON.parse(JSON.stringify(reminder.why)), row.why);
      if (!same) reminders.push({ studentId, reminder });
    }
  }
  const closedGapIds = [...stored.gaps.values()]
    .filter((row) => row.state === 'OPEN' && !plannedGaps.has(row.id))
    .map((row) => row.id);
  const cancelledReminderIds = [...stored.reminders.values()]
    .filter((row) => !plannedReminders.has(row.id) && pending(row, now))
    .map((row) => row.id);
  return {
    gaps: gaps.sort((a, b) => byId(a.gap, b.gap)),
    closedGapIds: closedGapIds.sort(),
    reminders: reminders.sort((a, b) => byId(a.reminder, b.reminder)),
    cancelledReminderIds: cancelledReminderIds.sort(),
  };
}

function rewritable(row: StoredReminder): boolean {
  return !row.dispatched && (row.status === 'SCHEDULED' || row.status === 'SUPPRESSED');
}

/** Still to happen, so cancelled when no longer planned: a past SUPPRESSED one stays as the record it is. */
function pending(row: StoredReminder, now: Date): boolean {
  return (
    !row.dispatched && (row.status === 'SCHEDULED' || (row.status === 'SUPPRESSED' && row.scheduledAt > now))
  );
}

/** Deep equality of two JSON values, object keys in any order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((value, i) => sameJson(value, b[i]))
    );
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]))
  );
}
