import type { EntityManager } from 'typeorm';
import type { PlannedReminder } from './domain/schedule.js';
import { utcIso } from './domain/local-time.js';
import type { ReminderQuery, ReminderResource } from './read.dto.js';

/**
 * A reminder `r` as both APIs show it: schedule, outcome, why, and its items (gap, purpose, nudge number,
 * interaction).
 */
export const REMINDER_COLUMNS = `
  r.id, r.status, r.scheduled_at AS "scheduledAt", r.sent_at AS "sentAt", r.cancel_reason AS "cancelReason", r.why,
  coalesce((SELECT json_agg(json_build_object('gapId', ri.gap_id, 'purpose', g.purpose, 'nudge', ri.nudge,
                                              'interactionExternalId', i.external_id) ORDER BY ri.gap_id)
            FROM reminder_items ri JOIN gaps g ON g.id = ri.gap_id JOIN interactions i ON i.id = g.interaction_id
            WHERE ri.reminder_id = r.id), '[]') AS items`;

/** A planned reminder and its student. */
export interface StudentReminder {
  studentId: string;
  reminder: PlannedReminder;
}

/**
 * Inserts the reminders, or rewrites them by their stable ids where schedule, status or why differ, unless
 * already SENT or FAILED or claimed by the dispatcher. Returns the ids actually written.
 */
export async function upsertReminders(
  manager: EntityManager,
  centerId: string,
  reminders: readonly StudentReminder[],
): Promise<Set<string>> {
  if (reminders.length === 0) return new Set();
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
      reminders.map((r) => utcIso(r.reminder.at)),
      reminders.map((r) => r.reminder.status),
      reminders.map((r) => JSON.stringify(r.reminder.why)),
    ],
  );
  return new Set(written.map((w) => w.id));
}

/** The items of these (just written) reminders, replaced by their planned ones. */
export async function replaceReminderItems(
  manager: EntityManager,
  reminders: readonly PlannedReminder[],
): Promise<void> {
  if (reminders.length === 0) return;
  const items = reminders.flatMap((r) => r.items.map((item) => ({ reminderId: r.id, ...item })));
  await manager.query(`DELETE FROM reminder_items WHERE reminder_id = ANY($1::uuid[])`, [
    reminders.map((r) => r.id),
  ]);
  await manager.query(
    `INSERT INTO reminder_items (reminder_id, gap_id, nudge) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::smallint[])`,
    [items.map((i) => i.reminderId), items.map((i) => i.gapId), items.map((i) => i.nudge)],
  );
}

/**
 * These reminders, if still pending (not claimed by the dispatcher; SCHEDULED, or SUPPRESSED and still ahead),
 * CANCELLED with the reason their gaps give. Run after the gaps are written, so the reason is current.
 */
export async function cancelReminders(
  manager: EntityManager,
  centerId: string,
  reminderIds: readonly string[],
  now: Date,
): Promise<void> {
  if (reminderIds.length === 0) return;
  await manager.query(
    `UPDATE reminders r SET status = 'CANCELLED', updated_at = now(),
       cancel_reason = coalesce((
         SELECT CASE WHEN bool_and(g.state = 'SATISFIED') THEN 'its gaps were satisfied by a follow-up'
                     WHEN bool_and(g.state = 'DISMISSED') THEN 'its gaps were dismissed by an advisor'
                     WHEN bool_and(g.state = 'CLOSED') THEN 'its gaps were closed: ' || min(g.state_reason)
                     ELSE 'rescheduled: the rules now plan different reminders' END
         FROM reminder_items ri JOIN gaps g ON g.id = ri.gap_id WHERE ri.reminder_id = r.id), 'no longer needed')
     WHERE r.center_id = $1 AND r.id = ANY($2::uuid[]) AND r.dispatched_at IS NULL
       AND (r.status = 'SCHEDULED' OR (r.status = 'SUPPRESSED' AND r.scheduled_at > $3))`,
    [centerId, reminderIds, now],
  );
}

/** A row of the reminders list, with its keyset key. */
export type ReminderPageRow = ReminderResource & { externalId: string };

/**
 * The center's reminders by scheduled time, then id, after the cursor's (instant, id), filtered by student
 * and status: `limit` rows at most.
 */
export function reminderPageRows(
  manager: EntityManager,
  centerId: string,
  filter: Pick<ReminderQuery, 'studentExternalId' | 'status'>,
  after: { at: string | null; id: string | null },
  limit: number,
): Promise<ReminderPageRow[]> {
  return manager.query<ReminderPageRow[]>(
    `SELECT ${REMINDER_COLUMNS}, s.external_id AS "studentExternalId",
            to_char(r.scheduled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '|' || r.id AS "externalId"
     FROM reminders r JOIN students s ON s.id = r.student_id
     WHERE r.center_id = $1
       AND ($2::text IS NULL OR s.external_id = $2)
       AND ($3::text IS NULL OR r.status = $3)
       AND ($4::timestamp IS NULL OR (r.scheduled_at AT TIME ZONE 'UTC', r.id) > ($4::timestamp, $5::uuid))
     ORDER BY r.scheduled_at, r.id
     LIMIT $6`,
    [centerId, filter.studentExternalId ?? null, filter.status ?? null, after.at, after.id, limit],
  );
}
