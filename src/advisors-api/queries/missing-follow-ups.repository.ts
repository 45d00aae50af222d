import { caseloadCondition } from '../auth/viewer.js';
import { NESTED_LIST } from '../models/list-size.js';
import {
  ADVISOR_COLUMNS,
  COMPANY_COLUMNS,
  INTERACTION_COLUMNS,
  openGapsSql,
  STUDENT_COLUMNS,
} from './row-columns.sql.js';

/** The student and gap conditions every gap of the snapshot must meet; `g` is the gap, `s` its student. */
const MATCHING = `
    s.center_id = $1 AND s.erased_at IS NULL AND ${caseloadCondition('$2')}
    AND ($3::text IS NULL OR s.advisor_id = (SELECT a.id FROM advisors a WHERE a.center_id = $1 AND a.external_id = $3))
    AND ($6::int IS NULL OR s.graduation_year = $6)
    AND g.center_id = $1 AND g.created_at <= coalesce($7::timestamptz, statement_timestamp()) AND g.opens_at <= $8
    AND ($4::text[] IS NULL OR (CASE WHEN $8 >= g.overdue_at THEN 'OVERDUE' WHEN $8 >= g.ideal_by THEN 'LATE' ELSE 'DUE' END) = ANY($4::text[]))
    AND ($5::text[] IS NULL OR EXISTS (SELECT 1 FROM interactions i WHERE i.id = g.interaction_id AND i.kind = ANY($5::text[])))`;

/**
 * The hot query of the advisor API, exported so the benchmark runs exactly this SQL. Students with at least
 * one matching open gap, most urgent first: earliest `overdue_at` among their matching gaps, then student id.
 *
 * Pages are read against a snapshot fixed by the first page: `$7` (database time) keeps gaps created later
 * out and keeps gaps closed later in, and `$8` (the injected clock) is the instant urgency filters use, so
 * gaps being logged, closed or added between page requests never move a student, and none is skipped or
 * repeated. Not covered: a gap whose own deadlines are rewritten meanwhile (its interaction's time edited, a
 * policy change) sorts by its new overdueAt; and "closed after the snapshot" is read from updated_at, so a
 * gap closed earlier and rewritten later counts as open at the snapshot. Both would need gap history.
 *
 * One statement does the whole request (bench:advisors: a round trip costs about as much as a small query): it
 * also returns the shown students' rows, advisors, matching open gaps (at the snapshot's urgency instant),
 * their interactions and companies, which prime the request's loaders, and appends the audit rows of the
 * students it shows.
 *
 * Plan (bench:advisors): the gaps of the snapshot are two disjoint halves, each joined to the students in scope
 * on its own: open ones (partial index gaps_open_center_student_idx, read without the heap: one probe per
 * student of an advisor's caseload, one scan of the center for a director) and ones resolved after the
 * snapshot (partial index gaps_resolved_updated_idx, usually empty). So no closed gap is read, and only the
 * page's rows are formatted.
 *
 * $1 center · $2 caseload advisor id (null: whole center) · $3 advisorExternalId filter · $4 urgencies ·
 * $5 kinds · $6 graduation year · $7 snapshot (db time, null on the first page) · $8 urgency instant ·
 * $9 after sort key · $10 after student id · $11 page size + 1 · $12 audit actor · $13 audit role ·
 * $14 request id
 */
export const MISSING_FOLLOW_UPS_SQL = `
WITH snapshot AS (SELECT coalesce($7::timestamptz, statement_timestamp()) AS as_of),
keyed AS (
  SELECT student_id, min(overdue_at) AS sort_key
  FROM (
    SELECT g.student_id, g.overdue_at FROM students s JOIN gaps g ON g.student_id = s.id
    WHERE g.state = 'OPEN' AND ${MATCHING}
    UNION ALL
    SELECT g.student_id, g.overdue_at FROM students s JOIN gaps g ON g.student_id = s.id
    WHERE g.state <> 'OPEN' AND g.updated_at > coalesce($7::timestamptz, statement_timestamp()) AND ${MATCHING}
  ) snapshot_gaps
  GROUP BY student_id
),
page AS (
  SELECT student_id, sort_key FROM keyed
  WHERE $9::timestamptz IS NULL OR (sort_key, student_id) > ($9::timestamptz, $10::uuid)
  ORDER BY sort_key, student_id LIMIT $11
),
-- The page without the extra row that only tells whether there is a next page.
shown AS (SELECT student_id FROM page ORDER BY sort_key, student_id LIMIT $11::int - 1),
shown_students AS (SELECT ${STUDENT_COLUMNS} FROM students s WHERE s.center_id = $1 AND s.id IN (SELECT student_id FROM shown)),
-- At most NESTED_LIST.max gaps per student: StudentGaps.gaps shows its \`first\` of them.
shown_gaps AS (
  SELECT * FROM (SELECT y.*, row_number() OVER (PARTITION BY y."studentId" ORDER BY y."overdueAt", y.id) AS rank
                 FROM (${openGapsSql({ center: '$1', students: 'g.student_id IN (SELECT student_id FROM shown)', at: '$8', urgencies: '$4', kinds: '$5' })}) y) z
  WHERE z.rank <= ${NESTED_LIST.max}
),
shown_interactions AS (
  SELECT ${INTERACTION_COLUMNS} FROM interactions i
  WHERE i.center_id = $1 AND i.deleted_at IS NULL AND i.id IN (SELECT "interactionId" FROM shown_gaps)
),
audited AS (
  INSERT INTO audit_log (center_id, actor, role, student_id, operation, request_id)
  SELECT $1, $12, $13, student_id, 'graphql:studentsMissingFollowUps', $14 FROM shown
)
SELECT (SELECT count(*) FROM keyed)::int AS total,
       (SELECT to_char(as_of AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') FROM snapshot) AS as_of,
       coalesce((SELECT json_agg(json_build_object('studentId', p.student_id,
                                                   'sortKey', to_char(p.sort_key AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                                 ORDER BY p.sort_key, p.student_id)
                 FROM page p), '[]') AS page,
       coalesce((SELECT json_agg(x) FROM shown_students x), '[]') AS students,
       coalesce((SELECT json_agg(x ORDER BY x."overdueAt", x.id) FROM shown_gaps x), '[]') AS gaps,
       coalesce((SELECT json_agg(x) FROM shown_interactions x), '[]') AS interactions,
       coalesce((SELECT json_agg(x) FROM (SELECT ${ADVISOR_COLUMNS} FROM advisors a
                                          WHERE a.center_id = $1 AND a.id IN (SELECT "advisorId" FROM shown_students)) x), '[]') AS advisors,
       coalesce((SELECT json_agg(x) FROM (SELECT ${COMPANY_COLUMNS} FROM companies c
                                          WHERE c.center_id = $1 AND c.id IN (SELECT "companyId" FROM shown_interactions)) x), '[]') AS companies`;
