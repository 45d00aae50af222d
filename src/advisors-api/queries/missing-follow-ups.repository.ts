import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer.js';
import type { Advisor, Company, Interaction, Student } from '../models/directory.model.js';
import type { Gap } from '../models/gap.model.js';
import type { MissingFollowUpsFilter } from '../models/inputs.js';
import { NESTED_LIST } from '../models/list-size.js';
import type { PageCursor } from './page-cursor.js';
import {
  ADVISOR_COLUMNS,
  COMPANY_COLUMNS,
  INTERACTION_COLUMNS,
  openGapsSql,
  STUDENT_COLUMNS,
} from './relations.repository.js';

/**
 * totalCount reads at most this many matching open gaps, whatever the size of the scope, and counts their
 * students: exact when the scope has no more (totalCountIsExact), else a lower bound. Gaps, not students, so
 * counting needs no per-row probe: an index-only range and a hash of student ids, about 1 ms here.
 */
export const TOTAL_COUNT_GAPS = 2000;

const SNAPSHOT = `coalesce($7::timestamptz, statement_timestamp())`;
const URGENCY = (g: string) =>
  `(CASE WHEN $8 >= ${g}.overdue_at THEN 'OVERDUE' WHEN $8 >= ${g}.ideal_by THEN 'LATE' ELSE 'DUE' END)`;

/**
 * The gap conditions of the snapshot and the filter, on gap `g`. Besides the urgency test itself, the
 * urgencies asked for bound overdue_at (OVERDUE alone: up to $8; no OVERDUE: after $8), which the walk's
 * index turns into a range instead of rows to skip.
 */
const GAP_MATCHES = (g: string) => `
    ${g}.center_id = $1 AND ${g}.created_at <= ${SNAPSHOT} AND ${g}.opens_at <= $8
    AND ($4::text[] IS NULL OR ${URGENCY(g)} = ANY($4::text[]))
    AND ($4::text[] IS NULL OR 'DUE' = ANY($4::text[]) OR 'LATE' = ANY($4::text[]) OR ${g}.overdue_at <= $8)
    AND ($4::text[] IS NULL OR 'OVERDUE' = ANY($4::text[]) OR ${g}.overdue_at > $8)
    AND ($5::text[] IS NULL OR ${g}.kind = ANY($5::text[]))`;

/**
 * The student conditions, on the copies the gap row carries (migration AdvisorPageWalk): the viewer's
 * caseload, the advisorExternalId and graduationYear filters. Being on the gap, they pick the walk's index.
 */
const STUDENT_MATCHES = (g: string) => `
    ($2::uuid IS NULL OR ${g}.advisor_id = $2::uuid)
    AND ($3::text IS NULL OR ${g}.advisor_id = (SELECT a.id FROM advisors a WHERE a.center_id = $1 AND a.external_id = $3))
    AND ($6::int IS NULL OR ${g}.graduation_year = $6::int)`;

/** A gap's DUE and LATE phase lengths in seconds, spelled exactly as the GapClassWalks indexes spell them. */
const DUE_SPAN = (g: string) => `(date_part('epoch', ${g}.ideal_by - ${g}.opens_at))`;
const LATE_SPAN = (g: string) => `(date_part('epoch', ${g}.overdue_at - ${g}.ideal_by))`;

/** An open gap of the scope (the viewer's caseload and the student filters). */
const IN_SCOPE = (g: string) => `${g}.state = 'OPEN' AND ${g}.center_id = $1 AND ${STUDENT_MATCHES(g)}`;

/**
 * The classes of the scope's open gaps (kind, DUE span, LATE span: migration GapClassWalks), read by a loose
 * index scan (one index probe per class, a handful per center), cut to the kinds asked for; then, per class,
 * the overdue_at range of each urgency asked for (or of any urgency: the gap is open), so that a walk of that
 * range reads only matching gaps.
 */
const CLASS_RANGES_SQL = `
classes AS MATERIALIZED (
  WITH RECURSIVE c AS (
    (SELECT g.kind, ${DUE_SPAN('g')} AS due_s, ${LATE_SPAN('g')} AS late_s FROM gaps g
     WHERE ${IN_SCOPE('g')}
     ORDER BY g.kind, ${DUE_SPAN('g')}, ${LATE_SPAN('g')} LIMIT 1)
    UNION ALL
    SELECT n.* FROM c CROSS JOIN LATERAL (
      SELECT g.kind, ${DUE_SPAN('g')} AS due_s, ${LATE_SPAN('g')} AS late_s FROM gaps g
      WHERE ${IN_SCOPE('g')} AND (g.kind, ${DUE_SPAN('g')}, ${LATE_SPAN('g')}) > (c.kind, c.due_s, c.late_s)
      ORDER BY g.kind, ${DUE_SPAN('g')}, ${LATE_SPAN('g')} LIMIT 1) n
  )
  SELECT c.kind, c.due_s, c.late_s, r.lo, r.hi FROM c CROSS JOIN LATERAL (VALUES
    (NULL, '-infinity'::timestamptz, $8::timestamptz + (c.late_s + c.due_s) * interval '1 second'),
    ('OVERDUE', '-infinity'::timestamptz, $8::timestamptz),
    ('LATE', $8::timestamptz, $8::timestamptz + c.late_s * interval '1 second'),
    ('DUE', $8::timestamptz + c.late_s * interval '1 second', $8::timestamptz + (c.late_s + c.due_s) * interval '1 second')
  ) r(urgency, lo, hi)
  WHERE ($5::text[] IS NULL OR c.kind = ANY($5::text[]))
    AND (CASE WHEN $4::text[] IS NULL THEN r.urgency IS NULL ELSE r.urgency = ANY($4::text[]) END)
)`;

/** Gap `g` in the class range `k` (a row of `classes`): index conditions of the class walk indexes. */
const IN_CLASS_RANGE = (g: string, k: string) => `
    ${g}.kind = ${k}.kind AND ${DUE_SPAN(g)} = ${k}.due_s AND ${LATE_SPAN(g)} = ${k}.late_s
    AND ${g}.overdue_at > ${k}.lo AND ${g}.overdue_at <= ${k}.hi`;

/**
 * Students in the snapshot, in page order, from `from` (a condition on the walked row `w`), at most `limit`.
 *
 * A walk of the snapshot's matching gaps in (overdue_at, student_id) order, keeping a gap only when its
 * student has no earlier one (by overdue_at, then id) in the snapshot: that gap is the student's first, so its
 * overdue_at is the student's sort key and the kept rows come out in page order. The open gaps are walked one
 * gap class and urgency range at a time (`classes`: within a class an urgency, or being open at all, is a
 * range of overdue_at, migration GapClassWalks), each from the class walk index of the scope, and merged; the
 * gaps resolved since the snapshot come from `resolved`. Each run stops at `limit` rows. Each row walked
 * costs one probe of the student's own open gaps (gaps_open_center_student_idx). The probes end in
 * `OFFSET 0`, which keeps PostgreSQL from turning them into joins: as hash anti joins they would read every
 * open gap of the scope first, and the walk could not stop early. Each run has its own ORDER BY and LIMIT, so
 * the planner sees the order it must produce and takes the walk index for it.
 *
 * The planner cannot know that nearly every walked row is kept: it guesses a few in ten, so it prices a walk
 * of n students at several times n rows (whatever the size of the center). Keeping the statement's estimate
 * under jit_above_cost (100,000 by default) matters: JIT compiling it takes longer than running it (0.5 s
 * against a few ms on the development machine). Hence no per-row student probe on the open half, and a
 * totalCount that does not walk (TOTAL_COUNT_GAPS).
 *
 * Rows read: up to a page per class range (a handful of classes per center, found by one index probe each),
 * and the later gaps of students already listed (at most a student's number of open gaps each). Every row a
 * filter would reject, and every gap not open yet, lies outside the walked ranges, so a page reads the same
 * under any filter in a center of any size. test/advisor-page-reads.e2e-spec.ts counts the rows in
 * PostgreSQL's own plan under each filter.
 */
function walkSql(from: (w: string) => string, limit: string): string {
  const firstOfStudent = (w: string) => `
      NOT EXISTS (SELECT 1 FROM gaps e WHERE e.center_id = $1 AND e.student_id = ${w}.student_id AND e.state = 'OPEN'
                  AND (e.overdue_at, e.id) < (${w}.overdue_at, ${w}.id) AND ${GAP_MATCHES('e')} OFFSET 0)
      AND NOT EXISTS (SELECT 1 FROM resolved e WHERE e.student_id = ${w}.student_id AND (e.overdue_at, e.id) < (${w}.overdue_at, ${w}.id) OFFSET 0)`;
  // Open gaps never belong to an erased student (erasure closes them in its transaction); a gap resolved
  // since the snapshot may, so `resolved` checks those against the student's row.
  const walk = (where: string) => `
     SELECT g.student_id, g.overdue_at FROM gaps g
     WHERE ${where} AND ${GAP_MATCHES('g')} AND ${STUDENT_MATCHES('g')} AND ${from('g')} AND ${firstOfStudent('g')}
     ORDER BY g.overdue_at, g.student_id LIMIT ${limit}`;
  return `
  SELECT w.student_id, w.overdue_at FROM (
    (SELECT k.student_id, k.overdue_at FROM classes r CROSS JOIN LATERAL (${walk(`g.state = 'OPEN' AND ${IN_CLASS_RANGE('g', 'r')}`)}) k
     ORDER BY k.overdue_at, k.student_id LIMIT ${limit})
    UNION ALL
    (SELECT r.student_id, r.overdue_at FROM resolved r WHERE ${from('r')} AND ${firstOfStudent('r')}
     ORDER BY r.overdue_at, r.student_id LIMIT ${limit})
  ) w
  ORDER BY w.overdue_at, w.student_id LIMIT ${limit}`;
}

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
 * Cost follows the page, not the center (issue 15): see walkSql for the page, TOTAL_COUNT_GAPS for
 * totalCount. Gaps resolved since the snapshot are read once (partial index gaps_resolved_updated_idx: those
 * updated after the first page, usually few, none on a first page).
 *
 * One statement does the whole request (bench:advisors: a round trip costs about as much as a small query): it
 * also returns the shown students' rows, advisors, matching open gaps (at the snapshot's urgency instant),
 * their interactions and companies, which prime the request's loaders, and appends the audit rows of the
 * students it shows.
 *
 * $1 center · $2 caseload advisor id (null: whole center) · $3 advisorExternalId filter · $4 urgencies ·
 * $5 kinds · $6 graduation year · $7 snapshot (db time, null on the first page) · $8 urgency instant ·
 * $9 after sort key · $10 after student id · $11 page size + 1 · $12 audit actor · $13 audit role ·
 * $14 request id
 */
export const MISSING_FOLLOW_UPS_SQL = `
WITH ${CLASS_RANGES_SQL},
resolved AS MATERIALIZED (
  SELECT g.id, g.student_id, g.overdue_at FROM gaps g
  WHERE $7::timestamptz IS NOT NULL AND g.center_id = $1 AND g.state <> 'OPEN' AND g.updated_at > $7::timestamptz
    AND ${GAP_MATCHES('g')} AND ${STUDENT_MATCHES('g')}
    AND EXISTS (SELECT 1 FROM students s WHERE s.id = g.student_id AND s.erased_at IS NULL)
),
page AS (${walkSql((w) => `($9::timestamptz IS NULL OR (${w}.overdue_at, ${w}.student_id) > ($9::timestamptz, $10::uuid))`, '$11')}),
-- For totalCount: any TOTAL_COUNT_GAPS + 1 matching open gaps (no order needed), from the walk's index.
counted AS (
  SELECT k.student_id FROM classes r CROSS JOIN LATERAL (
    SELECT g.student_id FROM gaps g
    WHERE g.state = 'OPEN' AND ${IN_CLASS_RANGE('g', 'r')} AND ${GAP_MATCHES('g')} AND ${STUDENT_MATCHES('g')}
    LIMIT ${TOTAL_COUNT_GAPS + 1}) k
  LIMIT ${TOTAL_COUNT_GAPS + 1}
),
-- The page without the extra row that only tells whether there is a next page.
shown AS (SELECT student_id FROM page ORDER BY overdue_at, student_id LIMIT $11::int - 1),
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
SELECT (SELECT count(DISTINCT x.student_id) FROM (SELECT student_id FROM counted UNION ALL SELECT student_id FROM resolved) x)::int AS total,
       (SELECT count(*) FROM counted) <= ${TOTAL_COUNT_GAPS} AS total_exact,
       to_char(${SNAPSHOT} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS as_of,
       coalesce((SELECT json_agg(json_build_object('studentId', p.student_id,
                                                   'sortKey', to_char(p.overdue_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                                 ORDER BY p.overdue_at, p.student_id)
                 FROM page p), '[]') AS page,
       coalesce((SELECT json_agg(x) FROM shown_students x), '[]') AS students,
       coalesce((SELECT json_agg(x ORDER BY x."overdueAt", x.id) FROM shown_gaps x), '[]') AS gaps,
       coalesce((SELECT json_agg(x) FROM shown_interactions x), '[]') AS interactions,
       coalesce((SELECT json_agg(x) FROM (SELECT ${ADVISOR_COLUMNS} FROM advisors a
                                          WHERE a.center_id = $1 AND a.id IN (SELECT "advisorId" FROM shown_students)) x), '[]') AS advisors,
       coalesce((SELECT json_agg(x) FROM (SELECT ${COMPANY_COLUMNS} FROM companies c
                                          WHERE c.center_id = $1 AND c.id IN (SELECT "companyId" FROM shown_interactions)) x), '[]') AS companies`;

/** An empty or missing list filter means "any" (SQL null). */
function listOrNull<T>(values: T[] | null | undefined): T[] | null {
  return values?.length ? values : null;
}

/** The parameters of MISSING_FOLLOW_UPS_SQL for one request (exported for the benchmark's baseline). */
export function missingFollowUpsParams(
  viewer: Pick<Viewer, 'centerId' | 'caseloadOf' | 'audit'>,
  filter: MissingFollowUpsFilter | null | undefined,
  first: number,
  after: PageCursor | null,
  now: Date,
): unknown[] {
  return [
    viewer.centerId,
    viewer.caseloadOf,
    filter?.advisorExternalId ?? null,
    listOrNull(filter?.urgency),
    listOrNull(filter?.kinds),
    filter?.graduationYear ?? null,
    after?.asOf ?? null,
    after?.urgencyAt ?? now.toISOString(),
    after?.sortKey ?? null,
    after?.studentId ?? null,
    first + 1,
    viewer.audit.actor,
    viewer.audit.role,
    viewer.audit.requestId,
  ];
}

/** What MISSING_FOLLOW_UPS_SQL returns: one row. `total` is a lower bound unless `total_exact`. */
export interface MissingFollowUpsRow {
  total: number;
  total_exact: boolean;
  as_of: string;
  page: { studentId: string; sortKey: string }[];
  students: Student[];
  advisors: Advisor[];
  gaps: (Omit<Gap, 'urgency'> & { studentId: string })[];
  interactions: Interaction[];
  companies: Company[];
}

@Injectable()
export class MissingFollowUpsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async page(params: unknown[]): Promise<MissingFollowUpsRow> {
    const [row] = await this.dataSource.query<MissingFollowUpsRow[]>(MISSING_FOLLOW_UPS_SQL, params);
    return row;
  }
}

const TIMESTAMP_FIELDS = [
  'occurredAt',
  'endedAt',
  'idealBy',
  'overdueAt',
  'snoozedUntil',
  'lastRemindedAt',
  'nextReminderAt',
];

/**
 * The page's interactions and gaps come back inside JSON (json_agg), so their timestamps arrive as text: this
 * turns those fields back into Dates.
 */
export function reviveDates<T extends object>(row: T): T {
  const revived = { ...row } as Record<string, unknown>;
  for (const field of TIMESTAMP_FIELDS)
    if (typeof revived[field] === 'string') revived[field] = new Date(revived[field]);
  return revived as T;
}
