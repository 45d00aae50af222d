/**
 * Open gaps of some students with their reminder figures; `$1` center, `$2` student ids, `$3` now,
 * `$4` urgencies, `$5` kinds (null: any). Shared by the page of studentsMissingFollowUps and Student.gaps.
 */
export const OPEN_GAPS_SQL = `
SELECT g.id, g.student_id AS "studentId", g.interaction_id AS "interactionId", g.purpose,
       g.ideal_by AS "idealBy", g.overdue_at AS "overdueAt", g.snoozed_until AS "snoozedUntil",
       coalesce(r.sent, 0)::int AS "remindersSent", r.last AS "lastRemindedAt", r.next AS "nextReminderAt"
FROM gaps g
LEFT JOIN LATERAL (
  SELECT count(*) FILTER (WHERE rm.status = 'SENT') AS sent,
         max(rm.sent_at) FILTER (WHERE rm.status = 'SENT') AS last,
         min(rm.scheduled_at) FILTER (WHERE rm.status = 'SCHEDULED') AS next
  FROM reminder_items ri JOIN reminders rm ON rm.id = ri.reminder_id WHERE ri.gap_id = g.id
) r ON true
WHERE g.center_id = $1 AND g.student_id = ANY($2::uuid[]) AND g.state = 'OPEN' AND g.opens_at <= $3
  AND ($4::text[] IS NULL OR (CASE WHEN $3 >= g.overdue_at THEN 'OVERDUE' WHEN $3 >= g.ideal_by THEN 'LATE' ELSE 'DUE' END) = ANY($4::text[]))
  AND ($5::text[] IS NULL OR EXISTS (SELECT 1 FROM interactions i WHERE i.id = g.interaction_id AND i.kind = ANY($5::text[])))
ORDER BY g.overdue_at, g.id`;
