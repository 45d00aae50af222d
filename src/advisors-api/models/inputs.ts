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

@InputType()
export class MissingFollowUpsFilter {
  @Field(() => String, { nullable: true, description: 'Only this advisor’s students (within your scope).' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  advisorExternalId?: string | null;

  @Field(() => [GapUrgency], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsEnum(GapUrgency, { each: true })
  urgency?: GapUrgency[] | null;

  @Field(() => [InteractionKind], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsEnum(InteractionKind, { each: true })
  kinds?: InteractionKind[] | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  graduationYear?: number | null;
}

@InputType()
export class FollowUpStatsFilter {
  @Field(() => DateTimeScalar, { description: 'Interactions that ended at or after this instant.' })
  @IsStorableDate()
  from!: Date;

  @Field(() => DateTimeScalar, { description: 'Interactions that ended before this instant.' })
  @IsStorableDate()
  to!: Date;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  advisorExternalId?: string | null;
}

@InputType({ description: 'A follow-up the student reported to the advisor (e.g. by phone).' })
export class LogFollowUpInput {
  @Field()
  @IsString()
  @MaxLength(128)
  interactionExternalId!: string;

  @Field(() => FollowUpChannel)
  @IsEnum(FollowUpChannel)
  channel!: FollowUpChannel;

  @Field(() => DateTimeScalar)
  @IsStorableDate()
  sentAt!: Date;

  // Nullable with a default, like every defaulted input here: a non-null one would let a nullable variable
  // through validation and fail only while executing (a test in platform.e2e-spec refuses those).
  @Field(() => GapPurpose, {
    nullable: true,
    defaultValue: GapPurpose.THANK_YOU,
    description: 'Null: THANK_YOU.',
  })
  @IsOptional()
  @IsEnum(GapPurpose)
  purpose?: GapPurpose | null;

  @Field(() => String, { nullable: true })
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
