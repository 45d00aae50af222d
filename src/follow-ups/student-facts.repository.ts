import type { EntityManager } from 'typeorm';
import type { StudentFacts } from './domain/facts.js';
import type { InteractionKind } from './domain/policy.js';

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

/**
 * Loads the facts of many students at once (six queries, whatever their number). Erased students and
 * deleted interactions or follow-ups are left out, so their gaps close on recompute.
 */
export async function loadStudentFacts(
  manager: EntityManager,
  centerId: string,
  studentIds: string[],
  now: Date,
): Promise<Map<string, StudentFacts>> {
  const students = await manager.query<{ id: string; timezone: string; notifications_enabled: boolean }[]>(
    `SELECT id, timezone, notifications_enabled FROM students WHERE center_id = $1 AND id = ANY($2::uuid[]) AND erased_at IS NULL`,
    [centerId, studentIds],
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
  if (facts.size === 0) return facts;
  const ids = [...facts.keys()];

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
     WHERE student_id = ANY($1::uuid[]) AND deleted_at IS NULL ORDER BY occurred_at, id`,
    [ids],
  );
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
  if (interactions.length) {
    const followUps = await manager.query<
      { interaction_id: string; purpose: 'THANK_YOU' | 'CHECK_IN'; sent_at: Date }[]
    >(
      `SELECT interaction_id, purpose, sent_at FROM follow_ups WHERE interaction_id = ANY($1::uuid[]) AND deleted_at IS NULL`,
      [interactions.map((i) => i.id)],
    );
    for (const f of followUps) {
      facts
        .get(studentOf.get(f.interaction_id)!)!
        .followUps.push({ interactionId: f.interaction_id, purpose: f.purpose, sentAt: f.sent_at });
    }
  }

  // Spent nudges: dispatched (being delivered, sent, or failed after every retry), or suppressed and past.
  const spent = await manager.query<
    { student_id: string; gap_id: string; nudge: number; at: Date; status: string }[]
  >(
    `SELECT r.student_id, ri.gap_id, ri.nudge, coalesce(r.sent_at, r.scheduled_at) AS at, r.status
     FROM reminders r JOIN reminder_items ri ON ri.reminder_id = r.id
     WHERE r.student_id = ANY($1::uuid[])
       AND (r.status IN ('SENT', 'FAILED') OR r.dispatched_at IS NOT NULL OR (r.status = 'SUPPRESSED' AND r.scheduled_at <= $2))`,
    [ids, now],
  );
  for (const s of spent) {
    const student = facts.get(s.student_id)!;
    student.nudgesSent.push({ gapId: s.gap_id, number: s.nudge, at: s.at });
    if (s.status === 'SENT' && (!student.lastRemindedAt || s.at > student.lastRemindedAt))
      student.lastRemindedAt = s.at;
  }

  // An advisor's decisions on gaps (GraphQL dismissGap / snoozeGap) outlive every recompute.
  const decided = await manager.query<
    {
      id: string;
      student_id: string;
      state: string;
      state_reason: string | null;
      snoozed_until: Date | null;
    }[]
  >(
    `SELECT id, student_id, state, state_reason, snoozed_until FROM gaps
     WHERE student_id = ANY($1::uuid[]) AND (state = 'DISMISSED' OR snoozed_until > $2)`,
    [ids, now],
  );
  for (const gap of decided) {
    const student = facts.get(gap.student_id)!;
    if (gap.state === 'DISMISSED')
      (student.dismissedGaps as Map<string, string>).set(
        gap.id,
        gap.state_reason ?? 'dismissed by an advisor',
      );
    if (gap.snoozed_until) (student.snoozedUntil as Map<string, Date>).set(gap.id, gap.snoozed_until);
  }
  return facts;
}
