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
    @Args('input', {
      type: () => LogFollowUpInput,
      description: 'The follow-up, as the student reported it.',
    })
    input: LogFollowUpInput,
  ): Promise<FollowUp> {
    return this.actions.logFollowUp(ctx.viewer, input);
  }

  @Mutation(() => GapDecision, {
    description:
      'The gap becomes DISMISSED, for good (every later recompute keeps it); its pending reminders are cancelled. CONFLICT if it is not open, NOT_FOUND outside your scope.',
  })
  dismissGap(
    @Context() ctx: AdvisorContext,
    @Args('id', { type: () => ID, description: 'The open gap (Gap.id).' }) id: string,
    @Args('reason', {
      type: () => String,
      description: 'Why the student need not send it, 1–2,000 characters; shown as the gap’s reason.',
    })
    reason: string,
  ): Promise<GapDecision> {
    return this.actions.dismissGap(ctx.viewer, id, reason) as Promise<GapDecision>;
  }

  @Mutation(() => GapDecision, {
    description:
      'No nudge for the gap before `until`; quiet hours never pull one back before it. The gap stays OPEN and its urgency still counts. CONFLICT if it is not open, NOT_FOUND outside your scope.',
  })
  snoozeGap(
    @Context() ctx: AdvisorContext,
    @Args('id', { type: () => ID, description: 'The open gap (Gap.id).' }) id: string,
    @Args('until', {
      type: () => DateTimeScalar,
      description: 'In the future and at most 14 days ahead (BAD_USER_INPUT otherwise).',
    })
    until: Date,
  ): Promise<GapDecision> {
    return this.actions.snoozeGap(ctx.viewer, id, until) as Promise<GapDecision>;
  }
}
