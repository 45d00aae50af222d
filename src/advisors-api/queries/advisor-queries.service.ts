import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service.js';
import type { Viewer } from '../auth/viewer.js';
import { badUserInput } from '../graphql-errors.js';
import type { MissingFollowUpsFilter } from '../models/inputs.js';
import type { Gap, StudentGapConnection } from '../models/gap.model.js';
import { withUrgency, type Loaders } from './loaders.js';
import {
  missingFollowUpsParams,
  MissingFollowUpsRepository,
  reviveDates,
} from './missing-follow-ups.repository.js';
import { decodePageCursor, encodePageCursor } from './page-cursor.js';
import { ScopeRepository } from './scope.repository.js';

export const MAX_PAGE = 100;

/** Read side of the advisor API: every method is scoped by the viewer, whatever the resolver asks. */
@Injectable()
export class AdvisorQueriesService {
  constructor(
    private readonly pages: MissingFollowUpsRepository,
    private readonly scope: ScopeRepository,
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
    const result = await this.pages.page(missingFollowUpsParams(viewer, filter, first, cursor, now));
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
      // Counted from at most TOTAL_COUNT_GAPS gaps: when the scope has more, a lower bound.
      totalCount: result.total,
      totalCountIsExact: result.total_exact,
      edges: edges as StudentGapConnection['edges'],
      pageInfo: {
        hasNextPage,
        hasPreviousPage: cursor !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }

  /** The student's row id when visible to the viewer (their caseload, or the center for a director). */
  async visibleStudentId(viewer: Viewer, externalId: string): Promise<string | null> {
    const id = await this.scope.visibleStudentId(viewer, externalId);
    if (id) await this.audit.recordReadsById(viewer.audit, 'graphql:student', [id]);
    return id;
  }
}
