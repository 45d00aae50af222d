import { Field, InputType, Int } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  IsArray,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { IsStorableDate } from '../../common/validators.js';
import { FollowUpChannel, GapPurpose, GapUrgency, InteractionKind } from './enums.js';
import { DateTimeScalar } from './date-time.scalar.js';

// Validated by the global ValidationPipe like REST bodies: a bad value is BAD_USER_INPUT naming the field.

@InputType({
  description: 'Which open gaps count for studentsMissingFollowUps; every field given must match (AND).',
})
export class MissingFollowUpsFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Only this advisor’s students (by externalId, within your scope); null: your whole scope.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  advisorExternalId?: string | null;

  @Field(() => [GapUrgency], {
    nullable: true,
    description: "Only gaps of these urgencies, at the first page's instant; null: any urgency.",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsEnum(GapUrgency, { each: true })
  urgency?: GapUrgency[] | null;

  @Field(() => [InteractionKind], {
    nullable: true,
    description: 'Only gaps of interactions of these kinds; null: any kind.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsEnum(InteractionKind, { each: true })
  kinds?: InteractionKind[] | null;

  @Field(() => Int, { nullable: true, description: 'Only students graduating in this year; null: any year.' })
  @IsOptional()
  @IsInt()
  graduationYear?: number | null;
}

@InputType({ description: 'The range (at most 800 days) and scope followUpStats counts.' })
export class FollowUpStatsFilter {
  @Field(() => DateTimeScalar, { description: 'Interactions that ended at or after this instant.' })
  @IsStorableDate()
  from!: Date;

  @Field(() => DateTimeScalar, { description: 'Interactions that ended before this instant.' })
  @IsStorableDate()
  to!: Date;

  @Field(() => String, {
    nullable: true,
    description: 'Only this advisor’s students (by externalId, within your scope); null: your whole scope.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  advisorExternalId?: string | null;
}

@InputType({ description: 'A follow-up the student reported to the advisor (e.g. by phone).' })
export class LogFollowUpInput {
  @Field({ description: 'The interaction followed up (its externalId), one of a student in your scope.' })
  @IsString()
  @MaxLength(128)
  interactionExternalId!: string;

  @Field(() => FollowUpChannel, { description: 'How the student says they sent it.' })
  @IsEnum(FollowUpChannel)
  channel!: FollowUpChannel;

  @Field(() => DateTimeScalar, {
    description:
      'When the student sent it, with an offset: at most 5 minutes ahead of the service’s clock, and not more than an hour before the interaction began.',
  })
  @IsStorableDate()
  sentAt!: Date;

  // Nullable with a default, like every defaulted input here: a non-null one would let a nullable variable
  // through validation and fail only while executing (a test in platform.e2e-spec refuses those).
  @Field(() => GapPurpose, {
    nullable: true,
    defaultValue: GapPurpose.THANK_YOU,
    description: 'A thank-you or a check-in on a pending result; null or omitted: THANK_YOU.',
  })
  @IsOptional()
  @IsEnum(GapPurpose)
  purpose?: GapPurpose | null;

  @Field(() => String, {
    nullable: true,
    description: 'Free text (at most 10,000 characters), e.g. what the student said; null: none.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  note?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Directors and API keys only (CONFLICT when taken): the portal-style id to store it under. Omitted: `advisor-log.<uuid>`. An advisor giving one is BAD_USER_INPUT, whatever the id.',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'must be 1–128 characters of A-Za-z0-9._:-' })
  externalId?: string | null;
}
