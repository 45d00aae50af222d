import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { Advisor } from './directory.model.js';
import { InteractionKind } from './enums.js';
import { DateTimeScalar } from './date-time.scalar.js';

const KIND_COUNT = Object.keys(InteractionKind).length;

@ObjectType({ description: 'How many interactions of one kind ended in the range.' })
export class KindCount {
  @Field(() => InteractionKind, { description: 'The interaction kind.' }) kind!: InteractionKind;
  @Field(() => Int, { description: 'Interactions of that kind that ended in the range (0 when none).' })
  count!: number;
}

@ObjectType({
  description: 'Follow-up figures for interactions that ended in the range, in the caller’s scope.',
})
export class FollowUpFigures {
  @Field(() => [KindCount], {
    description: 'One per InteractionKind, always all five.',
    complexity: ({ childComplexity }) => KIND_COUNT * (1 + childComplexity),
  })
  interactionsByKind!: KindCount[];
  @Field(() => Int, {
    description:
      'How many of those interactions have a thank-you gap, answered or not (their kind’s policy asks for a thank-you; a CLOSED gap does not count): the base of the shares below.',
  })
  thankYouGaps!: number;
  @Field(() => Float, {
    nullable: true,
    description:
      'Share (0–1) of thankYouGaps whose first thank-you was sent within 24 h of the interaction’s end; null when thankYouGaps is 0.',
  })
  thankYouWithin24h!: number | null;
  @Field(() => Float, {
    nullable: true,
    description:
      'Share (0–1) of thankYouGaps whose first thank-you was sent within 48 h of the interaction’s end; null when thankYouGaps is 0.',
  })
  thankYouWithin48h!: number | null;
  @Field(() => Float, {
    nullable: true,
    description:
      'Median hours from the interaction’s end to its first thank-you, over those that got one; null when none did.',
  })
  medianHoursToThankYou!: number | null;
  @Field(() => Int, { description: 'Gaps of those interactions (thank-yous and check-ins) open now.' })
  openGaps!: number;
  @Field(() => Int, { description: 'Of openGaps, those already past their overdueAt now.' })
  overdueGaps!: number;
}

@ObjectType({ description: 'The same figures for the students of one advisor.' })
export class AdvisorFollowUpFigures extends FollowUpFigures {
  advisorId!: string;
  @Field(() => Advisor, { description: 'The advisor whose students these figures count.' }) advisor?: Advisor;
}

@ObjectType({
  description:
    'Follow-up figures for the interactions that ended in [from, to), in your scope: an advisor’s caseload, or the whole center for a director.',
})
export class FollowUpStats extends FollowUpFigures {
  @Field(() => DateTimeScalar, { description: 'Start of the range (inclusive), as asked.' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the range (exclusive), as asked.' }) to!: Date;
  /** A field resolver with `first` (relations.resolver.ts). */
  perAdvisor!: AdvisorFollowUpFigures[];
}
