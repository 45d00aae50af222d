import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { AdvisorContext } from '../advisor-context.js';
import { Advisor, Company, Contact, FollowUp, Interaction, Student } from '../models/directory.model.js';
import { Gap, Reminder, ResolvedGap, StudentGaps } from '../models/gap.model.js';
import { AdvisorFollowUpFigures } from '../models/stats.model.js';

// Nested relations, each through a per-request DataLoader (see queries/loaders.ts): no N+1, and every
// loader is scoped like the root queries.

@Resolver(() => StudentGaps)
export class StudentGapsResolver {
  @ResolveField(() => Student)
  async student(@Parent() parent: StudentGaps, @Context() ctx: AdvisorContext): Promise<Student> {
    return (await ctx.loaders.student.load(parent.studentId))!;
  }
}

@Resolver(() => Student)
export class StudentResolver {
  @ResolveField(() => Advisor, { nullable: true })
  advisor(@Parent() student: Student, @Context() ctx: AdvisorContext): Promise<Advisor | null> | null {
    return student.advisorId ? ctx.loaders.advisor.load(student.advisorId) : null;
  }

  @ResolveField(() => [Interaction], { description: 'Newest first.' })
  interactions(@Parent() student: Student, @Context() ctx: AdvisorContext): Promise<Interaction[]> {
    return ctx.loaders.interactionsOfStudent.load(student.id);
  }

  @ResolveField(() => [FollowUp], { description: 'Newest first.' })
  followUps(@Parent() student: Student, @Context() ctx: AdvisorContext): Promise<FollowUp[]> {
    return ctx.loaders.followUpsOfStudent.load(student.id);
  }

  @ResolveField(() => [Gap], { description: 'Open gaps, most urgent first.' })
  gaps(@Parent() student: Student, @Context() ctx: AdvisorContext): Promise<Gap[]> {
    return ctx.loaders.openGapsOfStudent.load(student.id);
  }

  @ResolveField(() => [ResolvedGap], { description: 'Gaps no longer open, newest first.' })
  resolvedGaps(@Parent() student: Student, @Context() ctx: AdvisorContext): Promise<ResolvedGap[]> {
    return ctx.loaders.resolvedGapsOfStudent.load(student.id);
  }

  @ResolveField(() => [Reminder], { description: 'Newest first, each with its why.' })
  reminders(@Parent() student: Student, @Context() ctx: AdvisorContext): Promise<Reminder[]> {
    return ctx.loaders.remindersOfStudent.load(student.id);
  }
}

@Resolver(() => Gap)
export class GapResolver {
  @ResolveField(() => Interaction)
  async interaction(@Parent() gap: Gap, @Context() ctx: AdvisorContext): Promise<Interaction> {
    return (await ctx.loaders.interaction.load(gap.interactionId))!;
  }
}

@Resolver(() => ResolvedGap)
export class ResolvedGapResolver {
  @ResolveField(() => Interaction, { nullable: true, description: 'Null once the interaction was deleted.' })
  interaction(@Parent() gap: ResolvedGap, @Context() ctx: AdvisorContext): Promise<Interaction | null> {
    return ctx.loaders.interaction.load(gap.interactionId);
  }
}

@Resolver(() => Interaction)
export class InteractionResolver {
  @ResolveField(() => Company)
  async company(@Parent() interaction: Interaction, @Context() ctx: AdvisorContext): Promise<Company> {
    return (await ctx.loaders.company.load(interaction.companyId))!;
  }

  @ResolveField(() => [Contact], { description: 'The contacts the student met, as named by the company.' })
  async contacts(@Parent() interaction: Interaction, @Context() ctx: AdvisorContext): Promise<Contact[]> {
    const contacts = await ctx.loaders.contact.loadMany(interaction.contactIds);
    return contacts.filter((c): c is Contact => c !== null && !(c instanceof Error));
  }
}

@Resolver(() => AdvisorFollowUpFigures)
export class AdvisorFiguresResolver {
  @ResolveField(() => Advisor)
  async advisor(@Parent() figures: AdvisorFollowUpFigures, @Context() ctx: AdvisorContext): Promise<Advisor> {
    return (await ctx.loaders.advisor.load(figures.advisorId))!;
  }
}
