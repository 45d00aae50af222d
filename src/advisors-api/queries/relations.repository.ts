import { REMINDER_COLUMNS } from '../../follow-ups/reminders.repository.js';
import { caseloadCondition } from '../auth/viewer.js';

/*
 * The rows the advisor API returns and the statements that read a page's nested relations. The column lists
 * are shared by the per-request loaders (loaders.ts) and the page query of studentsMissingFollowUps
 * (missing-follow-ups.repository.ts), which returns them for its page at once and primes the loaders with
 * them: one definition, so a primed row and a loaded one have the same shape.
 */

export const STUDENT_COLUMNS = `s.id, s.external_id AS "externalId", s.name, s.name_latin AS "nameLatin", s.email,
  s.graduation_year AS "graduationYear", s.locale, s.timezone, s.notifications_enabled AS "notificationsEnabled",
  s.advisor_id AS "advisorId"`;
export const ADVISOR_COLUMNS = `a.id, a.external_id AS "externalId", a.name`;
export const COMPANY_COLUMNS = `c.id, c.external_id AS "externalId", c.name, c.industry`;
export const INTERACTION_COLUMNS = `i.id, i.external_id AS "externalId", i.kind, i.occurred_at AS "occurredAt",
  i.ended_at AS "endedAt", i.outcome, i.result_expected_by AS "resultExpectedBy", i.notes,
  i.company_id AS "companyId", i.contact_ids AS "contactIds"`;

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

const INTERACTIONS = `SELECT i.id AS key, ${INTERACTION_COLUMNS} FROM interactions i WHERE i.center_id = $1 AND i.deleted_at IS NULL`;
const OPEN_GAPS = openGapsSql({
  center: '$1',
  students: 'g.student_id = ANY($2::uuid[])',
  at: '$4',
  urgencies: 'NULL',
  kinds: 'NULL',
});

/**
 * `select` (its first column `key`, the parent) cut to the first $3 rows of each parent in `order`: a window
 * function, so one statement serves a whole batch of parents and none returns more than asked.
 */
function firstPerKey(select: string, parent: string, order: string): string {
  const ranked = select.replace(
    /^\s*SELECT /,
    `SELECT row_number() OVER (PARTITION BY ${parent} ORDER BY ${order}) AS rank, `,
  );
  return `SELECT * FROM (${ranked}) x WHERE x.rank <= $3 ORDER BY x.rank`;
}

/**
 * One row per id, as `key` and the row: $1 the viewer's center, $2 the ids (uuid[]). Only `student` takes
 * more, $3 the viewer's caseload (`Viewer.caseloadOf`, null for a director), so no relation reaches a student
 * the root query could not.
 */
export const ROWS_BY_ID = {
  student: `SELECT s.id AS key, ${STUDENT_COLUMNS}
       FROM students s WHERE s.center_id = $1 AND s.id = ANY($2::uuid[]) AND s.erased_at IS NULL
         AND ${caseloadCondition('$3')}`,
  advisor: `SELECT a.id AS key, ${ADVISOR_COLUMNS} FROM advisors a WHERE a.center_id = $1 AND a.id = ANY($2::uuid[])`,
  interaction: `${INTERACTIONS} AND i.id = ANY($2::uuid[])`,
  company: `SELECT c.id AS key, ${COMPANY_COLUMNS} FROM companies c WHERE c.center_id = $1 AND c.id = ANY($2::uuid[])`,
  contact: `SELECT id AS key, id, external_id AS "externalId", name, name_latin AS "nameLatin", title
       FROM contacts WHERE center_id = $1 AND id = ANY($2::uuid[])`,
};

/**
 * A student's children, `key` the student, at most $3 per student in the order each field shows them: $1 the
 * viewer's center, $2 the student ids (uuid[]), $3 how many per student. Only `openGapsOfStudent` takes more,
 * $4 the instant urgency is computed at. The students are ones a scoped query returned, so no caseload test.
 */
export const FIRST_ROWS_PER_STUDENT = {
  interactionsOfStudent: firstPerKey(
    `${INTERACTIONS.replace('i.id AS key', 'i.student_id AS key')} AND i.student_id = ANY($2::uuid[])`,
    'i.student_id',
    'i.occurred_at DESC, i.id',
  ),
  followUpsOfStudent: firstPerKey(
    `SELECT i.student_id AS key, f.external_id AS "externalId", i.external_id AS "interactionExternalId",
                f.channel, f.sent_at AS "sentAt", f.purpose, f.note
         FROM follow_ups f JOIN interactions i ON i.id = f.interaction_id
         WHERE f.center_id = $1 AND i.student_id = ANY($2::uuid[]) AND f.deleted_at IS NULL`,
    'i.student_id',
    'f.sent_at DESC, f.id',
  ),
  openGapsOfStudent: `SELECT * FROM (SELECT x."studentId" AS key, x.*, row_number() OVER (PARTITION BY x."studentId" ORDER BY x."overdueAt", x.id) AS rank
                      FROM (${OPEN_GAPS}) x) y
       WHERE y.rank <= $3 ORDER BY y.rank`,
  resolvedGapsOfStudent: firstPerKey(
    `SELECT g.student_id AS key, g.id, g.interaction_id AS "interactionId", g.purpose, g.state,
                g.state_reason AS reason, g.ideal_by AS "idealBy", g.overdue_at AS "overdueAt", g.updated_at AS "resolvedAt"
         FROM gaps g WHERE g.center_id = $1 AND g.student_id = ANY($2::uuid[]) AND g.state <> 'OPEN'`,
    'g.student_id',
    'g.updated_at DESC, g.id',
  ),
  remindersOfStudent: firstPerKey(
    `SELECT r.student_id AS key, ${REMINDER_COLUMNS}
         FROM reminders r WHERE r.center_id = $1 AND r.student_id = ANY($2::uuid[])`,
    'r.student_id',
    'r.scheduled_at DESC, r.id',
  ),
};
