import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service.js';
import { caseloadCondition, type Viewer } from '../auth/viewer.js';
import { badUserInput } from '../graphql-errors.js';
import type { MissingFollowUpsFilter } from '../models/inputs.js';
import type { Advisor, Company, Interaction, Student } from '../models/directory.model.js';
import type { Gap, StudentGapConnection } from '../models/gap.model.js';
import { withUrgency, type Loaders } from './loaders.js';
import { MISSING_FOLLOW_UPS_SQL } from './missing-follow-ups.sql.js';
import { decodePageCursor, encodePageCursor } from './page-cursor.js';
import { reviveDates } from './row-columns.sql.js';

export const MAX_PAGE = 100;

/** An empty or missing list filter means "any" (SQL null). */
function listOrNull<T>(values: T[] | null | undefined): T[] | null {
  return values?.length ? values : null;
}

/** The parameters of MISSING_FOLLOW_UPS_SQL for one request (exported for the benchmark's baseline). */
export function missingFollowUpsParams(
  viewer: Pick<Viewer, 'centerId' | 'caseloadOf' | 'audit'>,
  filter: MissingFollowUpsFilter | null | undefined,
  first: number,
  after: ReturnType<typeof decodePageCursor> | null,
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

interface PageResult {
  total: number;
  as_of: string;
  page: { studentId: string; sortKey: string }[];
  students: Student[];
  advisors: Advisor[];
  gaps: (Omit<Gap, 'urgency'> & { studentId: string })[];
  interactions: Interaction[];
  companies: Company[];
}

/** Read side of the advisor API: every method is scoped by the viewer, whatever the resolver asks. */
@Injectable()
export class AdvisorQueriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async studentsMissingFollowUps(
    viewer: Viewer,
    loaders: Loaders,
    filter: MissingFollowUpsFilter | null | undefined,
    first: number,
    after: string | null | undefined,
    now: Date,
  ): Promise<StudentGapConnection> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE)
      throw badUserInput(`first must be between 1 and ${MAX_PAGE}.`, 'first');
    const cursor = after ? decodePageCursor(after) : null;
    const [result] = await this.dataSource.query<PageResult[]>(
      MISSING_FOLLOW_UPS_SQL,
      missingFollowUpsParams(viewer, filter, first, cursor, now),
    );
    // The statement returned every row the page's usual nested fields need: later loads cost no query.
    for (const row of result.students) loaders.student.prime(row.id, row);
    for (const row of result.advisors) loaders.advisor.prime(row.id, row);
    for (const row of result.interactions) loaders.interaction.prime(row.id, reviveDates(row));
    for (const row of result.companies) loaders.company.prime(row.id, row);
    const hasNextPage = result.page.length > first;
    const page = result.page.slice(0, first);
    // The snapshot chose the page's students; the gaps they show are the ones open now that match the filter
    // (none, for a student whose gaps were all closed since the first page), with their urgency as of now.
    const gapsOf = new Map<string, Gap[]>(page.map((p) => [p.studentId, []]));
    for (const gap of result.gaps) gapsOf.get(gap.studentId)?.push(withUrgency(reviveDates(gap), now));
    const snapshot = { asOf: result.as_of, urgencyAt: cursor?.urgencyAt ?? now.toISOString() };
    const edges = page.map((p) => ({
      cursor: encodePageCursor({ ...snapshot, sortKey: p.sortKey, studentId: p.studentId }),
      node: { studentId: p.studentId, gaps: gapsOf.get(p.studentId)! },
    }));
    return {
      totalCount: result.total,
      edges: edges as StudentGapConnection['edges'],
      pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  /** The student's row id when visible to the viewer (their caseload, or the center for a director). */
  async visibleStudentId(viewer: Viewer, externalId: string): Promise<string | null> {
    const [row] = await this.dataSource.query<{ id: string }[]>(
      `SELECT s.id FROM students s WHERE s.center_id = $1 AND s.external_id = $2 AND s.erased_at IS NULL
         AND ${caseloadCondition('$3')}`,
      [viewer.centerId, externalId, viewer.caseloadOf],
    );
    if (row) await this.audit.recordReadsById(viewer.audit, 'graphql:student', [row.id]);
    return row?.id ?? null;
  }
}
