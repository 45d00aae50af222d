import { Args, Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { AdvisorContext } from '../advisor-context.js';
import { Advisor, Company, Contact, FollowUp, Interaction, Student } from '../models/directory.model.js';
import { Draft } from '../models/draft.model.js';
import {
  Gap,
  Reminder,
  ReminderItem,
  ReminderWhy,
  ReminderWhyItem,
  ResolvedGap,
  StudentGaps,
} from '../models/gap.model.js';
import { CONTACTS, NESTED_LIST, PER_ADVISOR } from '../models/list-size.js';
import { AdvisorFollowUpFigures, FollowUpStats } from '../models/stats.model.js';
import { gapDraft } from '../queries/gap-drafts.js';

// Nested relations, each through a per-request DataLoader (see queries/loaders.ts): no N+1, and every
// loader is scoped like the root queries. The methods take GraphQL's plain (parent, args, context) instead
// of @Parent()/@Context(): without parameter decorators Nest calls them directly rather than through its
// per-call context and pipes, which a page of 100 students with their gaps would run hundreds of times.
// List fields take `first` (see models/list-size.ts), so they go through @Args and Nest's slower path.

/** A relation's row, or null where it is gone (GraphQL reports a null non-null field as an error). */
type Resolved<T> = T | null | Promise<T | null>;

@Resolver(() => StudentGaps)
export class StudentGapsResolver {
  @ResolveField(() => Student, { description: 'The student.' })
  student(parent: StudentGaps, _args: unknown, ctx: AdvisorContext): Resolved<Student> {
    return ctx.loaders.student.get(parent.studentId);
  }

  // The page's statement already holds at most NESTED_LIST.max gaps per student (MISSING_FOLLOW_UPS_SQL).
  @ResolveField(() => [Gap], {
    description: 'Its open gaps matching the filter, most urgent first.',
    complexity: NESTED_LIST.complexity,
  })
  gaps(@Parent() node: StudentGaps, @Args('first', NESTED_LIST.arg) first: number | null): Gap[] {
    return node.gaps.slice(0, NESTED_LIST.of(first));
  }
}

@Resolver(() => Student)
export class StudentResolver {
  @ResolveField(() => Advisor, {
    nullable: true,
    description: "The student's advisor; null if none is assigned.",
  })
  advisor(student: Student, _args: unknown, ctx: AdvisorContext): Resolved<Advisor> {
    return student.advisorId ? ctx.loaders.advisor.get(student.advisorId) : null;
  }

  @ResolveField(() => [Interaction], {
    description: "The student's interactions, newest first.",
    complexity: NESTED_LIST.complexity,
  })
  interactions(
    @Parent() student: Student,
    @Args('first', NESTED_LIST.arg) first: number | null,
    @Context() ctx: AdvisorContext,
  ): Promise<Interaction[]> {
    return ctx.loaders.interactionsOfStudent(NESTED_LIST.of(first)).load(student.id);
  }

  @ResolveField(() => [FollowUp], {
    description: 'The follow-ups the student sent, newest first.',
    complexity: NESTED_LIST.complexity,
  })
  followUps(
    @Parent() student: Student,
    @Args('first', NESTED_LIST.arg) first: number | null,
    @Context() ctx: AdvisorContext,
  ): Promise<FollowUp[]> {
    return ctx.loaders.followUpsOfStudent(NESTED_LIST.of(first)).load(student.id);
  }

  @ResolveField(() => [Gap], {
    description: "The student's open gaps, most urgent first (earliest overdueAt).",
    complexity: NESTED_LIST.complexity,
  })
  gaps(
    @Parent() student: Student,
    @Args('first', NESTED_LIST.arg) first: number | null,
    @Context() ctx: AdvisorContext,
  ): Promise<Gap[]> {
    return ctx.loaders.openGapsOfStudent(NESTED_LIST.of(first)).load(student.id);
  }

  @ResolveField(() => [ResolvedGap], {
    description: 'Gaps no longer open, newest first.',
    complexity: NESTED_LIST.complexity,
  })
  resolvedGaps(
    @Parent() student: Student,
    @Args('first', NESTED_LIST.arg) first: number | null,
    @Context() ctx: AdvisorContext,
  ): Promise<ResolvedGap[]> {
    return ctx.loaders.resolvedGapsOfStudent(NESTED_LIST.of(first)).load(student.id);
  }

  @ResolveField(() => [Reminder], {
    description: "The student's reminders of every status, newest first, each with its why.",
    complexity: NESTED_LIST.complexity,
  })
  reminders(
    @Parent() student: Student,
    @Args('first', NESTED_LIST.arg) first: number | null,
    @Context() ctx: AdvisorContext,
  ): Promise<Reminder[]> {
    return ctx.loaders.remindersOfStudent(NESTED_LIST.of(first)).load(student.id);
  }
}

@Resolver(() => Reminder)
export class ReminderResolver {
  // A reminder's items are those of one student's nudges due together, read with the reminder's row.
  @ResolveField(() => [ReminderItem], {
    description: 'The gaps this reminder nudges about.',
    complexity: NESTED_LIST.complexity,
  })
  items(@Parent() reminder: Reminder, @Args('first', NESTED_LIST.arg) first: number | null): ReminderItem[] {
    return reminder.items.slice(0, NESTED_LIST.of(first));
  }
}

@Resolver(() => ReminderWhy)
export class ReminderWhyResolver {
  @ResolveField(() => [ReminderWhyItem], {
    description: 'One per gap nudged: the rule and the instant it asked for.',
    complexity: NESTED_LIST.complexity,
  })
  items(@Parent() why: ReminderWhy, @Args('first', NESTED_LIST.arg) first: number | null): ReminderWhyItem[] {
    return why.items.slice(0, NESTED_LIST.of(first));
  }
}

@Resolver(() => Gap)
export class GapResolver {
  @ResolveField(() => Interaction, { description: 'The interaction the follow-up is owed for.' })
  interaction(gap: Gap, _args: unknown, ctx: AdvisorContext): Resolved<Interaction> {
    return ctx.loaders.interaction.get(gap.interactionId);
  }

  @ResolveField(() => Draft, {
    nullable: true,
    description:
      'The thank-you (or check-in) the student can send now, as the reminder webhook carries it. Null if the student or interaction is gone.',
  })
  draft(gap: Gap, _args: unknown, ctx: AdvisorContext): Promise<Draft | null> {
    return gapDraft(ctx.loaders, gap);
  }
}

@Resolver(() => ResolvedGap)
export class ResolvedGapResolver {
  @ResolveField(() => Interaction, {
    nullable: true,
    description: 'The interaction the follow-up was owed for; null once it was deleted.',
  })
  interaction(gap: ResolvedGap, _args: unknown, ctx: AdvisorContext): Resolved<Interaction> {
    return ctx.loaders.interaction.get(gap.interactionId);
  }
}

@Resolver(() => Interaction)
export class InteractionResolver {
  @ResolveField(() => Company, { description: 'The company the student met.' })
  company(interaction: Interaction, _args: unknown, ctx: AdvisorContext): Resolved<Company> {
    return ctx.loaders.company.get(interaction.companyId);
  }

  @ResolveField(() => [Contact], {
    description: 'The contacts the student met, as named by the company.',
    complexity: CONTACTS.complexity,
  })
  async contacts(
    @Parent() interaction: Interaction,
    @Args('first', CONTACTS.arg) first: number | null,
    @Context() ctx: AdvisorContext,
  ): Promise<Contact[]> {
    const ids = interaction.contactIds.slice(0, CONTACTS.of(first));
    const contacts = await ctx.loaders.contact.getMany(ids);
    return contacts.filter((c): c is Contact => c !== null && !(c instanceof Error));
  }
}

@Resolver(() => AdvisorFollowUpFigures)
export class AdvisorFiguresResolver {
  @ResolveField(() => Advisor, { description: 'The advisor whose students these figures count.' })
  advisor(figures: AdvisorFollowUpFigures, _args: unknown, ctx: AdvisorContext): Resolved<Advisor> {
    return ctx.loaders.advisor.get(figures.advisorId);
  }
}

@Resolver(() => FollowUpStats)
export class FollowUpStatsResolver {
  // The statement returns at most PER_ADVISOR.max advisors, by externalId (FollowUpStatsService).
  @ResolveField(() => [AdvisorFollowUpFigures], {
    description: 'The same per advisor, by advisor externalId; empty for advisors.',
    complexity: PER_ADVISOR.complexity,
  })
  perAdvisor(
    @Parent() stats: FollowUpStats,
    @Args('first', PER_ADVISOR.arg) first: number | null,
  ): AdvisorFollowUpFigures[] {
    return stats.perAdvisor.slice(0, PER_ADVISOR.of(first));
  }
}
