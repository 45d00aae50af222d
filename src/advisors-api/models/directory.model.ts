import { Field, Int, ObjectType } from '@nestjs/graphql';
import { FollowUpChannel, GapPurpose, InteractionKind, InteractionOutcome } from './enums.js';
import { TEXT_COST } from './list-size.js';
import { DateTimeScalar } from './date-time.scalar.js';

// Parents carry their internal ids (not exposed) so field resolvers can batch-load relations by id.

@ObjectType()
export class Advisor {
  id!: string;
  @Field() externalId!: string;
  @Field() name!: string;
}

@ObjectType()
export class Company {
  id!: string;
  @Field() externalId!: string;
  @Field({ description: 'Exact registered name, e.g. 株式会社サンプル商事.' }) name!: string;
  @Field(() => String, { nullable: true }) industry!: string | null;
}

@ObjectType()
export class Contact {
  id!: string;
  @Field() externalId!: string;
  @Field() name!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'The name as written in Latin script (e.g. Ichiro Yamada), used by English drafts; null if not given.',
  })
  nameLatin!: string | null;
  @Field(() => String, { nullable: true }) title!: string | null;
}

@ObjectType()
export class Interaction {
  id!: string;
  companyId!: string;
  contactIds!: string[];
  @Field() externalId!: string;
  @Field(() => InteractionKind) kind!: InteractionKind;
  @Field(() => DateTimeScalar) occurredAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) endedAt!: Date | null;
  @Field(() => InteractionOutcome) outcome!: InteractionOutcome;
  @Field(() => String, { nullable: true, description: 'The day the company promised a decision.' })
  resultExpectedBy!: string | null;
  @Field(() => String, { nullable: true, description: 'Topics discussed.', complexity: TEXT_COST.notes })
  notes!: string | null;
}

@ObjectType()
export class FollowUp {
  @Field({ description: 'Follow-ups an advisor logged get `advisor-log.<uuid>`.' }) externalId!: string;
  @Field() interactionExternalId!: string;
  @Field(() => FollowUpChannel) channel!: FollowUpChannel;
  @Field(() => DateTimeScalar) sentAt!: Date;
  @Field(() => GapPurpose) purpose!: GapPurpose;
  @Field(() => String, { nullable: true, complexity: TEXT_COST.notes }) note!: string | null;
}

@ObjectType()
export class Student {
  id!: string;
  advisorId!: string | null;
  @Field() externalId!: string;
  @Field() name!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'The name as written in Latin script (e.g. Taro Yamada), used by English drafts; null if not given.',
  })
  nameLatin!: string | null;
  @Field() email!: string;
  @Field(() => Int, { nullable: true }) graduationYear!: number | null;
  @Field({ description: 'ja or en: the language of the drafts.' }) locale!: string;
  @Field({ description: 'IANA time zone.' }) timezone!: string;
  @Field() notificationsEnabled!: boolean;
}
