import { Args, Context, ID, Mutation, Resolver } from '@nestjs/graphql';
import type { AdvisorContext } from '../advisor-context.js';
import { FollowUp } from '../models/directory.model.js';
import { GapDecision } from '../models/gap.model.js';
import { LogFollowUpInput } from '../models/inputs.js';
import { AdvisorActionsService } from '../queries/advisor-actions.service.js';
import { DateTimeScalar } from '../models/date-time.scalar.js';

@Resolver()
export class AdvisorMutationsResolver {
  constructor(private readonly actions: AdvisorActionsService) {}

  @Mutation(() => FollowUp, {
    description:
      'A follow-up the student reported (e.g. by phone): the same effect as the portal logging it.',
  })
  logFollowUp(
    @Context() ctx: AdvisorContext,
    @Args('input', { type: () => LogFollowUpInput }) input: LogFollowUpInput,
  ): Promise<FollowUp> {
    return this.actions.logFollowUp(ctx.viewer, input);
  }

  @Mutation(() => GapDecision, {
    description: 'The gap becomes DISMISSED; its pending reminders are cancelled.',
  })
  dismissGap(
    @Context() ctx: AdvisorContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason', { type: () => String }) reason: string,
  ): Promise<GapDecision> {
    return this.actions.dismissGap(ctx.viewer, id, reason) as Promise<GapDecision>;
  }

  @Mutation(() => GapDecision, {
    description: 'No nudge for the gap before `until` (at most 14 days ahead).',
  })
  snoozeGap(
    @Context() ctx: AdvisorContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('until', { type: () => DateTimeScalar }) until: Date,
  ): Promise<GapDecision> {
    return this.actions.snoozeGap(ctx.viewer, id, until) as Promise<GapDecision>;
  }
}
