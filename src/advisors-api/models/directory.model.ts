import { Field, Int, ObjectType } from '@nestjs/graphql';
import { FollowUpChannel, GapPurpose, InteractionKind, InteractionOutcome } from './enums.js';
import { TEXT_COST } from './list-size.js';
import { DateTimeScalar } from './date-time.scalar.js';

// Parents carry their internal ids (not exposed) so field resolvers can batch-load relations by id.

@ObjectType({ description: 'A career advisor of the center, as the portal registered them.' })
export class Advisor {
  id!: string;
  @Field({ description: "The portal's id for the advisor (the `sub` of an advisor token)." })
  externalId!: string;
  @Field({ description: 'Full name, as the portal stores it.' }) name!: string;
}

@ObjectType({ description: 'A company students meet, as the portal registered it.' })
export class Company {
  id!: string;
  @Field({ description: "The portal's id for the company." }) externalId!: string;
  @Field({ description: 'Exact registered name, e.g. 株式会社サンプル商事; drafts use it verbatim.' })
  name!: string;
  @Field(() => String, { nullable: true, description: 'Industry, as free text; null if not given.' })
  industry!: string | null;
}

@ObjectType({ description: 'A person at a company whom students meet (a recruiter, an interviewer).' })
export class Contact {
  id!: string;
  @Field({ description: "The portal's id for the contact, unique within its company." }) externalId!: string;
  @Field({ description: 'Full name as drafts address the contact, e.g. 山田 一郎.' }) name!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'The name as written in Latin script (e.g. Ichiro Yamada), used by English drafts; null if not given.',
  })
  nameLatin!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Department and title as they appear in a letter (e.g. 人事部 課長); null if not given.',
  })
  title!: string | null;
}

@ObjectType({
  description:
    'A meeting between a student and a company (interview, information session, career fair, networking): what opens gaps.',
})
export class Interaction {
  id!: string;
  companyId!: string;
  contactIds!: string[];
  @Field({ description: "The portal's id for the interaction." }) externalId!: string;
  @Field(() => InteractionKind, { description: 'What kind of meeting it was; decides the follow-up policy.' })
  kind!: InteractionKind;
  @Field(() => DateTimeScalar, { description: 'When the meeting began.' }) occurredAt!: Date;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'When the meeting ended; null if the portal gave no end, and then the windows count from occurredAt.',
  })
  endedAt!: Date | null;
  @Field(() => InteractionOutcome, {
    description: 'Where the selection stands, as the portal last reported it.',
  })
  outcome!: InteractionOutcome;
  @Field(() => String, {
    nullable: true,
    description:
      'The day the company promised a decision (YYYY-MM-DD, a calendar date without time zone); null if none. Check-ins open the day after it.',
  })
  resultExpectedBy!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Topics discussed, which thank-you drafts mention; null if none were recorded.',
    complexity: TEXT_COST.notes,
  })
  notes!: string | null;
}

@ObjectType({
  description: 'A follow-up the student sent after an interaction, as the portal or an advisor logged it.',
})
export class FollowUp {
  @Field({
    description: "The portal's id for the follow-up; follow-ups an advisor logged get `advisor-log.<uuid>`.",
  })
  externalId!: string;
  @Field({ description: 'The interaction it follows up (its externalId).' }) interactionExternalId!: string;
  @Field(() => FollowUpChannel, { description: 'How the student sent it.' }) channel!: FollowUpChannel;
  @Field(() => DateTimeScalar, { description: 'When the student sent it.' }) sentAt!: Date;
  @Field(() => GapPurpose, { description: 'What it was: a thank-you, or a check-in on a pending result.' })
  purpose!: GapPurpose;
  @Field(() => String, {
    nullable: true,
    description: 'Free-text note from whoever logged it; null if none.',
    complexity: TEXT_COST.notes,
  })
  note!: string | null;
}

@ObjectType({ description: 'A student of the center, with their follow-up record.' })
export class Student {
  id!: string;
  advisorId!: string | null;
  @Field({ description: "The portal's id for the student." }) externalId!: string;
  @Field({ description: 'Full name, as drafts sign it (e.g. 山田 太郎).' }) name!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'The name as written in Latin script (e.g. Taro Yamada), used by English drafts; null if not given.',
  })
  nameLatin!: string | null;
  @Field({
    description: "The student's e-mail address; reminder webhooks carry it for the student-mail service.",
  })
  email!: string;
  @Field(() => Int, {
    nullable: true,
    description: 'Year the student graduates, e.g. 2027; null if not given.',
  })
  graduationYear!: number | null;
  @Field({ description: 'The language of the drafts: `ja` or `en`.' }) locale!: string;
  @Field({
    description:
      'IANA time zone (e.g. Asia/Tokyo): nudges go out only between 08:00 and 21:00 here, and dates in drafts are local to it.',
  })
  timezone!: string;
  @Field({
    description:
      'False when the student opted out: no nudges are sent (their reminders are SUPPRESSED), but gaps stay visible to advisors.',
  })
  notificationsEnabled!: boolean;
}
