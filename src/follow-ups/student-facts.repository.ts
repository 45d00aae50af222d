import type { EntityManager } from 'typeorm';
import type { StudentFacts } from './domain/facts.js';
import type { GapPurpose, GapState, InteractionKind, ReminderStatus } from './domain/vocabulary.js';
import type { StoredGap, StoredReminder, StoredRows } from './plan-changes.js';

/**
 * One recompute per student at a time: a concurrent one waits here and then sees this one's writes, so neither
 * can close a gap the other just derived. Locked in id order (pass `studentIds` sorted); NO KEY UPDATE, so it
 * does not conflict with the KEY SHARE locks that inserting interactions (foreign keys) takes on the same
 * students.
 */
export async function lockStudentsForRecompute(
  manager: EntityManager,
  centerId: string,
  studentIds: readonly string[],
): Promise<void> {
  await manager.query(
    `SELECT 1 FROM students WHERE center_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
    [centerId, studentIds],
  );
}

/** The id of the center's student with this external id (erased ones too), or undefined. */
export async function studentIdOf(
  manager: EntityManager,
  centerId: string,
  externalId: string,
): Promise<string | undefined> {
  const [student] = await manager.query<{ id: string }[]>(
    `SELECT id FROM students WHERE center_id = $1 AND external_id = $2`,
    [centerId, externalId],
  );
  return student?.id;
}

/** The next `limit` ids of the center's students (not erased) after `after`, in id order. */
export async function studentIdsAfter(
  manager: EntityManager,
  centerId: string,
  after: string,
  limit: number,
): Promise<string[]> {
  const rows = await manager.query<{ id: string }[]>(
    `SELECT id FROM students WHERE center_id = $1 AND erased_at IS NULL AND id > $2 ORDER BY id LIMIT $3`,
    [centerId, after, limit],
  );
  return rows.map((row) => row.id);
}

/** A timestamptz as epoch milliseconds (float8, which pg hands over as a number), cut to ms as a Date is. */
const EPOCH_MS = (column: string) => `floor(extract(epoch FROM ${column}) * 1000)::float8`;

/** What a recompute starts from: the rules' facts and the rows the last recompute stored. */
export interface RecomputeInputs {
  facts: Map<string, StudentFacts>;
  stored: StoredRows;
  /** Each student's advisor and graduation year (not erased ones), which new gaps copy. */
  placements: Map<string, StudentPlacement>;
}

/** Where a student sits in the center: what the advisor pages filter gaps by (migration AdvisorPageWalk). */
export interface StudentPlacement {
  advisorId: string | null;
  graduationYear: number | null;
}

/** The facts of many students at once, for the rules alone (see loadRecomputeInputs). */
export async function loadStudentFacts(
  manager: EntityManager,
  centerId: string,
  studentIds: readonly string[],
  now: Date,
): Promise<Map<string, StudentFacts>> {
  return (await loadRecomputeInputs(manager, centerId, studentIds, now)).facts;
}

/**
 * Loads the facts of many students at once, with their stored gaps and reminders (five queries, whatever
 * their number). Erased students and deleted interactions or follow-ups are left out of the facts, so their
 * gaps close on recompute; the stored rows are every given student's.
 */
export async function loadRecomputeInputs(
  manager: EntityManager,
  centerId: string,
  studentIds: readonly string[],
  now: Date,
): Promise<RecomputeInputs> {
  const students = await manager.query<
    {
      id: string;
      timezone: string;
      notifications_enabled: boolean;
      advisor_id: string | null;
      graduation_year: number | null;
    }[]
  >(
    `SELECT id, timezone, notifications_enabled, advisor_id, graduation_year FROM students
     WHERE center_id = $1 AND id = ANY($2::uuid[]) AND erased_at IS NULL`,
    [centerId, studentIds],
  );
  const placements = new Map<string, StudentPlacement>(
    students.map((s) => [s.id, { advisorId: s.advisor_id, graduationYear: s.graduation_year }]),
  );
  const facts = new Map<string, StudentFacts>(
    students.map((s) => [
      s.id,
      {
        studentId: s.id,
        timezone: s.timezone,
        notificationsEnabled: s.notifications_enabled,
        interactions: [],
        followUps: [],
        nudgesSent: [],
        lastRemindedAt: null,
        dismissedGaps: new Map<string, string>(),
        snoozedUntil: new Map<string, Date>(),
      },
    ]),
  );
  if (facts.size) await addInteractionFacts(manager, centerId, facts);
  const gaps = await loadStoredGaps(manager, centerId, studentIds, facts, now);
  const reminders = await loadStoredReminders(manager, centerId, studentIds, facts, now);
  return { facts, stored: { gaps, reminders }, placements };
}

async function addInteractionFacts(
  manager: EntityManager,
  centerId: string,
  facts: Map<string, StudentFacts>,
): Promise<void> {
  const interactions = await manager.query<
    {
      id: string;
      student_id: string;
      kind: InteractionKind;
      occurred_at: Date;
      ended_at: Date | null;
      outcome: StudentFacts['interactions'][number]['outcome'];
      result_expected_by: string | null;
    }[]
  >(
    `SELECT id, student_id, kind, occurred_at, ended_at, outcome, result_expected_by FROM interactions
     WHERE center_id = $1 AND student_id = ANY($2::uuid[]) AND deleted_at IS NULL ORDER BY occurred_at, id`,
    [centerId, [...facts.keys()]],
  );
  if (interactions.length === 0) return;
  const studentOf = new Map<string, string>();
  for (const i of interactions) {
    studentOf.set(i.id, i.student_id);
    facts.get(i.student_id)!.interactions.push({
      id: i.id,
      kind: i.kind,
      occurredAt: i.occurred_at,
      endedAt: i.ended_at,
      outcome: i.outcome,
      resultExpectedBy: i.result_expected_by,
    });
  }
  const followUps = await manager.query<{ interaction_id: string; purpose: GapPurpose; sent_at: Date }[]>(
    // Found through the students' interactions (a thousand ids) rather than by the interactions' own ids (ten
    // thousand in a batch, sent and parsed as one array): a third of the time of this statement.
    `SELECT f.interaction_id, f.purpose, f.sent_at FROM follow_ups f
     JOIN interactions i ON i.id = f.interaction_id
     WHERE f.center_id = $1 AND f.deleted_at IS NULL
       AND i.center_id = $1 AND i.student_id = ANY($2::uuid[]) AND i.deleted_at IS NULL`,
    [centerId, [...facts.keys()]],
  );
  for (const f of followUps) {
    facts
      .get(studentOf.get(f.interaction_id)!)!
      .followUps.push({ interactionId: f.interaction_id, purpose: f.purpose, sentAt: f.sent_at });
  }
}

/**
 * The students' gaps as stored, for comparing with the plan; an advisor's decisions on them (GraphQL
 * dismissGap / snoozeGap) go into the facts, so they outlive every recompute.
 */
async function loadStoredGaps(
  manager: EntityManager,
  centerId: string,
  studentIds: readonly string[],
  facts: Map<string, StudentFacts>,
  now: Date,
): Promise<Map<string, StoredGap>> {
  const rows = await manager.query<
    {
      id: string;
      student_id: string;
      opens_at: number;
      ideal_by: number;
      overdue_at: number;
      state: GapState;
      state_reason: string | null;
      snoozed_until: Date | null;
    }[]
  >(
    // Instants as epoch milliseconds, as the plan has them: parsing three timestamps into Dates per gap was a
    // third of this statement's time, and the comparison needs only the numbers.
    `SELECT id, student_id, ${EPOCH_MS('opens_at')} AS opens_at, ${EPOCH_MS('ideal_by')} AS ideal_by,
            ${EPOCH_MS('overdue_at')} AS overdue_at, state, state_reason, snoozed_until FROM gaps
     WHERE center_id = $1 AND student_id = ANY($2::uuid[])`,
    [centerId, studentIds],
  );
  const gaps = new Map<string, StoredGap>();
  for (const row of rows) {
    gaps.set(row.id, {
      id: row.id,
      studentId: row.student_id,
      opensAt: row.opens_at,
      idealBy: row.ideal_by,
      overdueAt: row.overdue_at,
      state: row.state,
      stateReason: row.state_reason,
    });
    const student = facts.get(row.student_id);
    if (!student) continue;
    if (row.state === 'DISMISSED')
      (student.dismissedGaps as Map<string, string>).set(
        row.id,
        row.state_reason ?? 'dismissed by an advisor',
      );
    if (row.snoozed_until && row.snoozed_until > now)
      (student.snoozedUntil as Map<string, Date>).set(row.id, row.snoozed_until);
  }
  return gaps;
}

/**
 * The students' reminders as stored (undispatched CANCELLED ones aside: history the plan never needs), for
 * comparing with the plan; the nudges they spent go into the facts. Spent: dispatched (being delivered, sent,
 * or failed after every retry), or suppressed and past. One row per spent item, one per other reminder.
 */
async function loadStoredReminders(
  manager: EntityManager,
  centerId: string,
  studentIds: readonly string[],
  facts: Map<string, StudentFacts>,
  now: Date,
): Promise<Map<string, StoredReminder>> {
  const rows = await manager.query<
    {
      id: string;
      student_id: string;
      status: ReminderStatus;
      scheduled_at: Date;
      sent_at: Date | null;
      dispatched: boolean;
      why: unknown;
      gap_id: string | null;
      nudge: number | null;
    }[]
  >(
    `SELECT r.id, r.student_id, r.status, r.scheduled_at, r.sent_at, r.dispatched_at IS NOT NULL AS dispatched,
            CASE WHEN r.status IN ('SCHEDULED', 'SUPPRESSED') AND r.dispatched_at IS NULL THEN r.why END AS why,
            ri.gap_id, ri.nudge
     FROM reminders r
     LEFT JOIN reminder_items ri ON ri.reminder_id = r.id
       AND (r.status IN ('SENT', 'FAILED') OR r.dispatched_at IS NOT NULL OR (r.status = 'SUPPRESSED' AND r.scheduled_at <= $3))
     WHERE r.center_id = $1 AND r.student_id = ANY($2::uuid[]) AND (r.status <> 'CANCELLED' OR r.dispatched_at IS NOT NULL)`,
    [centerId, studentIds, now],
  );
  const reminders = new Map<string, StoredReminder>();
  for (const row of rows) {
    reminders.set(row.id, {
      id: row.id,
      studentId: row.student_id,
      status: row.status,
      scheduledAt: row.scheduled_at,
      dispatched: row.dispatched,
      why: row.why,
    });
    const student = facts.get(row.student_id);
    if (!student || row.gap_id === null) continue;
    const at = row.sent_at ?? row.scheduled_at;
    student.nudgesSent.push({ gapId: row.gap_id, number: row.nudge!, at });
    if (row.status === 'SENT' && (!student.lastRemindedAt || at > student.lastRemindedAt))
      student.lastRemindedAt = at;
  }
  return reminders;
}
