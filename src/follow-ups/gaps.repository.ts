import type { EntityManager } from 'typeorm';
import { isoUtc } from '../database/sql.js';
import type { PlannedGap } from './domain/gaps.js';
import type { InteractionKind } from './domain/vocabulary.js';
import { utcIso } from './domain/local-time.js';
import type { GapResource } from './read.dto.js';

/** A planned gap and the student it belongs to now (an interaction can move to another student). */
export interface StudentGap {
  studentId: string;
  gap: PlannedGap;
}

/**
 * What a gap row copies from its student and interaction, for the advisor pages (and, with the interaction's
 * end, the statistics).
 */
export interface GapCopies {
  advisorId: string | null;
  graduationYear: number | null;
  kind: InteractionKind;
}

/**
 * Inserts the gaps, or updates them by their stable ids where a derived column differs. Pass them sorted by id:
 * concurrent recomputes then lock rows in the same order.
 *
 * A new gap's copies of its student's advisor and graduation year and of its interaction's kind and end (what
 * the advisor pages and statistics read, migrations AdvisorPageWalk and InteractionFigures) come with it, from
 * the rows the recompute loaded in this transaction with its students locked: a join with students here was
 * planned as a scan of every student of the database per batch. The end alone is looked up, one index probe
 * per gap as a subquery (never a join the planner could turn into a scan), because the recompute's facts hold
 * it to the millisecond and the statistics compare it with the interaction's own, to the microsecond. The
 * PL/pgSQL trigger that fills the copies in for other writers runs only when they are missing.
 */
export async function upsertGaps(
  manager: EntityManager,
  centerId: string,
  gaps: readonly (StudentGap & { copies: GapCopies })[],
): Promise<void> {
  if (gaps.length === 0) return;
  await manager.query(
    `INSERT INTO gaps AS g (id, center_id, student_id, interaction_id, purpose, sequence, opens_at, ideal_by, overdue_at, state, state_reason,
                            advisor_id, graduation_year, kind, interaction_ended_at)
     SELECT x.id, $1, x.student_id, x.interaction_id, x.purpose, x.sequence, x.opens_at, x.ideal_by, x.overdue_at, x.state, x.state_reason,
            x.advisor_id, x.graduation_year, x.kind,
            (SELECT coalesce(i.ended_at, i.occurred_at) FROM interactions i WHERE i.id = x.interaction_id)
     FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::smallint[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[],
                 $12::uuid[], $13::smallint[], $14::text[])
       AS x(id, student_id, interaction_id, purpose, sequence, opens_at, ideal_by, overdue_at, state, state_reason,
            advisor_id, graduation_year, kind)
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
      gaps.map((g) => utcIso(g.gap.opensAt)),
      gaps.map((g) => utcIso(g.gap.idealBy)),
      gaps.map((g) => utcIso(g.gap.overdueAt)),
      gaps.map((g) => g.gap.state),
      gaps.map((g) => g.gap.stateReason),
      gaps.map((g) => g.copies.advisorId),
      gaps.map((g) => g.copies.graduationYear),
      gaps.map((g) => g.copies.kind),
    ],
  );
}

/** These gaps, if still OPEN, CLOSED: the rules no longer derive them. Pass the ids sorted (lock order). */
export async function closeGaps(
  manager: EntityManager,
  centerId: string,
  gapIds: readonly string[],
): Promise<void> {
  if (gapIds.length === 0) return;
  await manager.query(
    `UPDATE gaps SET state = 'CLOSED', state_reason = 'its interaction was deleted or changed, or the student erased', updated_at = now()
     WHERE center_id = $1 AND id = ANY($2::uuid[]) AND state = 'OPEN'`,
    [centerId, gapIds],
  );
}

/**
 * The gap and its student's state, locked for an advisor's decision, if it is in the center (and in the
 * advisor's caseload when `caseloadOf` is set) and its student is not erased.
 */
export async function lockGapForDecision(
  manager: EntityManager,
  centerId: string,
  caseloadOf: string | null,
  gapId: string,
): Promise<{ student_id: string; state: string } | undefined> {
  const [gap] = await manager.query<{ student_id: string; state: string }[]>(
    `SELECT g.student_id, g.state FROM gaps g JOIN students s ON s.id = g.student_id
     WHERE g.id = $1 AND g.center_id = $2 AND s.erased_at IS NULL
       AND ($3::uuid IS NULL OR s.advisor_id = $3::uuid)
     FOR NO KEY UPDATE OF g`,
    [gapId, centerId, caseloadOf],
  );
  return gap;
}

export async function dismissGap(
  manager: EntityManager,
  centerId: string,
  gapId: string,
  reason: string,
): Promise<void> {
  await manager.query(
    `UPDATE gaps SET state = 'DISMISSED', state_reason = $3, updated_at = now() WHERE id = $1 AND center_id = $2`,
    [gapId, centerId, reason],
  );
}

export async function snoozeGap(
  manager: EntityManager,
  centerId: string,
  gapId: string,
  until: Date,
): Promise<void> {
  await manager.query(
    `UPDATE gaps SET snoozed_until = $3, updated_at = now() WHERE id = $1 AND center_id = $2`,
    [gapId, centerId, until],
  );
}

/** A gap after an advisor's decision. */
export interface GapDecisionResult {
  id: string;
  state: string;
  reason: string | null;
  snoozedUntil: Date | null;
  nextReminderAt: Date | null;
}

/** A gap after a decision: its state, reason, snooze and next scheduled reminder. */
export async function gapDecisionOutcome(
  manager: EntityManager,
  centerId: string,
  gapId: string,
): Promise<GapDecisionResult | undefined> {
  const [result] = await manager.query<GapDecisionResult[]>(
    `SELECT g.id, g.state, g.state_reason AS reason, g.snoozed_until AS "snoozedUntil",
            (SELECT min(r.scheduled_at) FROM reminder_items ri JOIN reminders r ON r.id = ri.reminder_id
             WHERE ri.gap_id = g.id AND r.status = 'SCHEDULED') AS "nextReminderAt"
     FROM gaps g WHERE g.id = $1 AND g.center_id = $2`,
    [gapId, centerId],
  );
  return result;
}

/** What the portal reads of a student's gaps (open at `now`), with reminder counts; urgency is left to the caller. */
export type StoredGapResource = Omit<GapResource, 'urgency' | 'remindersSent'> & { remindersSent: string };

export function studentGapResources(
  manager: EntityManager,
  centerId: string,
  studentId: string,
  now: Date,
): Promise<StoredGapResource[]> {
  return manager.query<StoredGapResource[]>(
    `SELECT g.id, g.purpose, g.state, g.ideal_by AS "idealBy", g.overdue_at AS "overdueAt",
            json_build_object('externalId', i.external_id, 'kind', i.kind, 'occurredAt', ${isoUtc('i.occurred_at')}) AS interaction,
            count(r.id) FILTER (WHERE r.status = 'SENT') AS "remindersSent",
            max(r.sent_at) FILTER (WHERE r.status = 'SENT') AS "lastRemindedAt",
            min(r.scheduled_at) FILTER (WHERE r.status = 'SCHEDULED') AS "nextReminderAt"
     FROM gaps g
     JOIN interactions i ON i.id = g.interaction_id AND i.deleted_at IS NULL
     LEFT JOIN reminder_items ri ON ri.gap_id = g.id
     LEFT JOIN reminders r ON r.id = ri.reminder_id
     WHERE g.center_id = $1 AND g.student_id = $2 AND g.opens_at <= $3
     GROUP BY g.id, i.id
     ORDER BY g.overdue_at, g.id`,
    [centerId, studentId, now],
  );
}
