/**
 * Columns of the rows the advisor API returns, shared by the per-request loaders and the page query of
 * studentsMissingFollowUps (which returns them for its page at once and primes the loaders with them).
 */
export const STUDENT_COLUMNS = `s.id, s.external_id AS "externalId", s.name, s.name_latin AS "nameLatin", s.email,
  s.graduation_year AS "graduationYear", s.locale, s.timezone, s.notifications_enabled AS "notificationsEnabled",
  s.advisor_id AS "advisorId"`;
export const ADVISOR_COLUMNS = `a.id, a.external_id AS "externalId", a.name`;
export const COMPANY_COLUMNS = `c.id, c.external_id AS "externalId", c.name, c.industry`;
export const INTERACTION_COLUMNS = `i.id, i.external_id AS "externalId", i.kind, i.occurred_at AS "occurredAt",
  i.ended_at AS "endedAt", i.outcome, i.result_expected_by AS "resultExpectedBy", i.notes,
  i.company_id AS "companyId", i.contact_ids AS "contactIds"`;

const TIMESTAMP_FIELDS = [
  'occurredAt',
  'endedAt',
  'idealBy',
  'overdueAt',
  'snoozedUntil',
  'lastRemindedAt',
  'nextReminderAt',
];

/** Rows a query returns as JSON carry their timestamps as text: this turns those fields back into Dates. */
export function reviveDates<T extends object>(row: T): T {
  const revived = { ...row } as Record<string, unknown>;
  for (const field of TIMESTAMP_FIELDS)
    if (typeof revived[field] === 'string') revived[field] = new Date(revived[field]);
  return revived as T;
}

/**
 * Open gaps of some students with their reminder figures. `students` is a condition on `g.student_id`;
 * `center`, `at` (the urgency instant), `urgencies` and `kinds` (text[], null: any) are parameters. Shared by
 * the page of studentsMissingFollowUps and Student.gaps.
 */
export function openGapsSql(p: {
  center: string;
  students: string;
  at: string;
  urgencies: string;
  kinds: string;
}) {
  return `
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
WHERE g.center_id = ${p.center} AND ${p.students} AND g.state = 'OPEN' AND g.opens_at <= ${p.at}
  AND (${p.urgencies}::text[] IS NULL OR (CASE WHEN ${p.at} >= g.overdue_at THEN 'OVERDUE' WHEN ${p.at} >= g.ideal_by THEN 'LATE' ELSE 'DUE' END) = ANY(${p.urgencies}::text[]))
  AND (${p.kinds}::text[] IS NULL OR EXISTS (SELECT 1 FROM interactions i WHERE i.id = g.interaction_id AND i.kind = ANY(${p.kinds}::text[])))`;
}
