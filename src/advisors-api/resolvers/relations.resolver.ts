import { ResolveField, Resolver } from '@nestjs/graphql';
import type { AdvisorContext } from '../advisor-context.js';
import { Advisor, Company, Contact, FollowUp, Interaction, Student } from '../models/directory.model.js';
import { Gap, Reminder, ResolvedGap, StudentGaps } from '../models/gap.model.js';
import { AdvisorFollowUpFigures } from '../models/stats.model.js';

// Nested relations, each through a per-request DataLoader (see queries/loaders.ts): no N+1, and every
// loader is scoped like the root queries. The methods take GraphQL's plain (parent, args, context) instead
// of @Parent()/@Context(): without parameter decorators Nest calls them directly rather than through its
// per-call context and pipes, which a page of 100 students with their gaps would run hundreds of times.

/** A relation's row, or null where it is gone (GraphQL reports a null non-null field as an error). */
type Resolved<T> = T | null | Promise<T | null>;

@Resolver(() => StudentGaps)
export class StudentGapsResolver {
  @ResolveField(() => Student)
  student(parent: StudentGaps, _args: unknown, ctx: AdvisorContext): Resolved<Student> {
    return ctx.loaders.student.get(parent.studentId);
  }
}

@Resolver(() => Student)
export class StudentResolver {
  @ResolveField(() => Advisor, { nullable: true })
  advisor(student: Student, _args: unknown, ctx: AdvisorContext): Resolved<Advisor> {
    return student.advisorId ? ctx.loaders.advisor.get(student.advisorId) : null;
  }

  @ResolveField(() => [Interaction], { description: 'Newest first.' })
  interactions(student: Student, _args: unknown, ctx: AdvisorContext): Promise<Interaction[]> {
    return ctx.loaders.interactionsOfStudent.load(student.id);
  }

  @ResolveField(() => [FollowUp], { description: 'Newest first.' })
  followUps(student: Student, _args: unknown, ctx: AdvisorContext): Promise<FollowUp[]> {
    return ctx.loaders.followUpsOfStudent.load(student.id);
  }

  @ResolveField(() => [Gap], { description: 'Open gaps, most urgent first.' })
  gaps(student: Student, _args: unknown, ctx: AdvisorContext): Promise<Gap[]> {
    return ctx.loaders.openGapsOfStudent.load(student.id);
  }

  @ResolveField(() => [ResolvedGap], { description: 'Gaps no longer open, newest first.' })
  resolvedGaps(student: Student, _args: unknown, ctx: AdvisorContext): Promise<ResolvedGap[]> {
    return ctx.loaders.resolvedGapsOfStudent.load(student.id);
  }

  @ResolveField(() => [Reminder], { description: 'Newest first, each with its why.' })
  reminders(student: Student, _args: unknown, ctx: AdvisorContext): Promise<Reminder[]> {
    return ctx.loaders.remindersOfStudent.load(student.id);
  }
}

@Resolver(() => Gap)
export class GapResolver {
  @ResolveField(() => Interaction)
  interaction(gap: Gap, _args: unknown, ctx: AdvisorContext): Resolved<Interaction> {
    return ctx.loaders.interaction.get(gap.interactionId);
  }
}

@Resolver(() => ResolvedGap)
export class ResolvedGapResolver {
  @ResolveField(() => Interaction, { nullable: true, description: 'Null once the interaction was deleted.' })
  interaction(gap: ResolvedGap, _args: unknown, ctx: AdvisorContext): Resolved<Interaction> {
    return ctx.loaders.interaction.get(gap.interactionId);
  }
}

@Resolver(() => Interaction)
export class InteractionResolver {
  @ResolveField(() => Company)
  company(interaction: Interaction, _args: unknown, ctx: AdvisorContext): Resolved<Company> {
    return ctx.loaders.company.get(interaction.companyId);
  }

  @ResolveField(() => [Contact], { description: 'The contacts the student met, as named by the company.' })
  async contacts(interaction: Interaction, _args: unknown, ctx: AdvisorContext): Promise<Contact[]> {
    const contacts = await ctx.loaders.contact.getMany(interaction.contactIds);
    return contacts.filter((c): c is Contact => c !== null && !(c instanceof Error));
  }
}

@Resolver(() => AdvisorFollowUpFigures)
export class AdvisorFiguresResolver {
  @ResolveField(() => Advisor)
  advisor(figures: AdvisorFollowUpFigures, _args: unknown, ctx: AdvisorContext): Resolved<Advisor> {
    return ctx.loaders.advisor.get(figures.advisorId);
  }
}
