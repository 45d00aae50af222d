import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { Advisor } from './directory.model.js';
import { InteractionKind } from './enums.js';
import { DateTimeScalar } from './date-time.scalar.js';

const KIND_COUNT = Object.keys(InteractionKind).length;

@ObjectType()
export class KindCount {
  @Field(() => InteractionKind) kind!: InteractionKind;
  @Field(() => Int) count!: number;
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
  @Field(() => Int, { description: 'Thank-you gaps of those interactions.' }) thankYouGaps!: number;
  @Field(() => Float, { nullable: true, description: 'Share (0–1) thanked within 24 h of the end.' })
  thankYouWithin24h!: number | null;
  @Field(() => Float, { nullable: true, description: 'Share (0–1) thanked within 48 h of the end.' })
  thankYouWithin48h!: number | null;
  @Field(() => Float, { nullable: true, description: 'Median hours from the end to the first thank-you.' })
  medianHoursToThankYou!: number | null;
  @Field(() => Int, { description: 'Their gaps open now.' }) openGaps!: number;
  @Field(() => Int, { description: 'Their gaps open now and past overdueAt.' }) overdueGaps!: number;
}

@ObjectType()
export class AdvisorFollowUpFigures extends FollowUpFigures {
  advisorId!: string;
  @Field(() => Advisor) advisor?: Advisor;
}

@ObjectType()
export class FollowUpStats extends FollowUpFigures {
  @Field(() => DateTimeScalar) from!: Date;
  @Field(() => DateTimeScalar) to!: Date;
  /** A field resolver with `first` (relations.resolver.ts). */
  perAdvisor!: AdvisorFollowUpFigures[];
}
