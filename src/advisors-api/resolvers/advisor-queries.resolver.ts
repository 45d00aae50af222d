import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import { AuditService } from '../../audit/audit.service.js';
import type { AdvisorContext } from '../advisor-context.js';
import { forbidden } from '../graphql-errors.js';
import { AuditLogPage } from '../models/audit.model.js';
import { Student } from '../models/directory.model.js';
import { StudentGapConnection } from '../models/gap.model.js';
import { FollowUpStatsFilter, MissingFollowUpsFilter } from '../models/inputs.js';
import { ListSize } from '../models/list-size.js';
import { FollowUpStats } from '../models/stats.model.js';
import { AdvisorQueriesService, MAX_PAGE } from '../queries/advisor-queries.service.js';
import { FollowUpStatsService } from '../queries/follow-up-stats.service.js';

/**
 * Page sizes as SPEC 5.2 declares them, `first: Int = 20`: nullable with a default, so a client may send
 * null (or a nullable `$first` variable without a value) and get the default page. The cost of a page is its
 * `first` times the cost of one edge (see models/list-size.ts).
 */
const FIRST_20 = new ListSize(20, MAX_PAGE);
const FIRST_50 = new ListSize(50, MAX_PAGE);

@Resolver()
export class AdvisorQueriesResolver {
  constructor(
    private readonly queries: AdvisorQueriesService,
    private readonly stats: FollowUpStatsService,
    private readonly audit: AuditService,
  ) {}

  @Query(() => StudentGapConnection, {
    description:
      'Students with at least one open gap matching the filter, most urgent first (earliest overdueAt among their matching gaps, then student). Pages never skip or repeat a student while data changes.',
    complexity: FIRST_20.complexity,
  })
  studentsMissingFollowUps(
    @Context() ctx: AdvisorContext,
    @Args('filter', {
      type: () => MissingFollowUpsFilter,
      nullable: true,
      description: 'Which open gaps count; null: all of them. Give the same filter for every page.',
    })
    filter: MissingFollowUpsFilter | null,
    @Args('first', FIRST_20.arg) first: number | null,
    @Args('after', {
      type: () => String,
      nullable: true,
      description: 'The previous page’s pageInfo.endCursor; null for the first page.',
    })
    after: string | null,
  ): Promise<StudentGapConnection> {
    const size = first ?? FIRST_20.defaultValue;
    return this.queries.studentsMissingFollowUps(ctx.viewer, ctx.loaders, filter, size, after, ctx.now);
  }

  @Query(() => Student, { nullable: true, description: 'Null when the student is not in your scope.' })
  async student(
    @Context() ctx: AdvisorContext,
    @Args('externalId', { type: () => String, description: "The portal's id for the student." })
    externalId: string,
  ): Promise<Student | null> {
    const id = await this.queries.visibleStudentId(ctx.viewer, externalId);
    return id ? ctx.loaders.student.get(id) : null;
  }

  @Query(() => FollowUpStats, {
    description:
      'Follow-up figures for your scope and a date range: how many interactions, how soon students thanked, what is open and overdue now.',
  })
  followUpStats(
    @Context() ctx: AdvisorContext,
    @Args('filter', {
      type: () => FollowUpStatsFilter,
      description: 'The range [from, to) of interaction ends, and optionally one advisor.',
    })
    filter: FollowUpStatsFilter,
  ): Promise<FollowUpStats> {
    return this.stats.stats(ctx.viewer, filter, ctx.now);
  }

  @Query(() => AuditLogPage, {
    description: 'Reads of student records, newest first. Directors only.',
    complexity: FIRST_50.complexity,
  })
  async auditLog(
    @Context() ctx: AdvisorContext,
    @Args('studentExternalId', {
      type: () => String,
      nullable: true,
      description: "Only reads of this student's record; null: every read in the center.",
    })
    studentExternalId: string | null,
    @Args('first', FIRST_50.arg) first: number | null,
    @Args('after', {
      type: () => String,
      nullable: true,
      description: 'The previous page’s nextCursor; null for the newest entries.',
    })
    after: string | null,
  ): Promise<AuditLogPage> {
    if (ctx.viewer.role !== 'director') throw forbidden('Only directors can read the audit log.');
    const size = first ?? FIRST_50.defaultValue;
    return this.audit.page(ctx.viewer.centerId, { first: size, after, studentExternalId });
  }
}
