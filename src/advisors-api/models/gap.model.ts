import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { GapPurpose, GapState, GapUrgency, ReminderStatus } from './enums.js';
import { Student } from './directory.model.js';
import { TEXT_COST } from './list-size.js';
import { DateTimeScalar } from './date-time.scalar.js';

@ObjectType({ description: 'An open gap: a follow-up the student still owes.' })
export class Gap {
  // Not exposed: the draft field resolver loads the student and interaction by these.
  studentId!: string;
  interactionId!: string;
  @Field(() => ID) id!: string;
  @Field(() => GapPurpose) purpose!: GapPurpose;
  @Field(() => GapUrgency) urgency!: GapUrgency;
  @Field(() => DateTimeScalar) idealBy!: Date;
  @Field(() => DateTimeScalar) overdueAt!: Date;
  @Field(() => Int) remindersSent!: number;
  @Field(() => DateTimeScalar, { nullable: true }) lastRemindedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) nextReminderAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'No nudge before this instant.' })
  snoozedUntil!: Date | null;
}

@ObjectType({ description: 'A gap no longer open: satisfied by a follow-up, dismissed, or closed.' })
export class ResolvedGap {
  interactionId!: string;
  @Field(() => ID) id!: string;
  @Field(() => GapPurpose) purpose!: GapPurpose;
  @Field(() => GapState) state!: GapState;
  @Field(() => String, { nullable: true, complexity: TEXT_COST.reason }) reason!: string | null;
  @Field(() => DateTimeScalar) idealBy!: Date;
  @Field(() => DateTimeScalar) overdueAt!: Date;
  @Field(() => DateTimeScalar) resolvedAt!: Date;
}

@ObjectType()
export class ReminderItem {
  gapId!: string;
  @Field(() => GapPurpose) purpose!: GapPurpose;
  @Field(() => Int, { description: 'Which nudge of the gap (1 or 2).' }) nudge!: number;
  @Field(() => String, { nullable: true, description: 'Null once the interaction was deleted.' })
  interactionExternalId!: string | null;
}

@ObjectType()
export class ReminderWhyItem {
  @Field(() => ID) gapId!: string;
  @Field(() => Int) nudge!: number;
  @Field() rule!: string;
  @Field() anchor!: string;
  @Field() dueAt!: string;
  @Field(() => String, { nullable: true }) caughtUp?: string;
}

@ObjectType()
export class QuietHoursShift {
  @Field() from!: string;
  @Field() to!: string;
  @Field() reason!: string;
}

@ObjectType()
export class SpacingDecision {
  @Field() decision!: string;
  @Field() detail!: string;
}

@ObjectType({ description: 'Why a reminder goes out when it does (SPEC section 3).' })
export class ReminderWhy {
  @Field() timezone!: string;
  /** A field resolver with `first` (relations.resolver.ts). */
  items!: ReminderWhyItem[];
  @Field(() => QuietHoursShift, { nullable: true }) quietHours!: QuietHoursShift | null;
  @Field(() => SpacingDecision) spacing!: SpacingDecision;
  @Field(() => String, { nullable: true }) suppressed?: string;
}

@ObjectType()
export class Reminder {
  @Field(() => ID) id!: string;
  @Field(() => ReminderStatus) status!: ReminderStatus;
  @Field(() => DateTimeScalar) scheduledAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) sentAt!: Date | null;
  @Field(() => String, { nullable: true }) cancelReason!: string | null;
  /** A field resolver with `first` (relations.resolver.ts). */
  items!: ReminderItem[];
  @Field(() => ReminderWhy) why!: ReminderWhy;
}

@ObjectType()
export class StudentGaps {
  studentId!: string;
  @Field(() => Student) student!: Student;
  /** A field resolver with `first` (relations.resolver.ts). */
  gaps!: Gap[];
}

@ObjectType()
export class StudentGapEdge {
  @Field() cursor!: string;
  @Field(() => StudentGaps) node!: StudentGaps;
}

@ObjectType({
  description: 'Where a page stands in the list (Relay connections; pages go forward with `after`).',
})
export class PageInfo {
  @Field({ description: 'True when more students follow: pass endCursor as `after` for them.' })
  hasNextPage!: boolean;
  @Field({ description: 'True for a page reached with `after` (the first page has none before it).' })
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true, description: "The first edge's cursor; null on an empty page." })
  startCursor!: string | null;
  @Field(() => String, { nullable: true, description: "The last edge's cursor; null on an empty page." })
  endCursor!: string | null;
}

@ObjectType()
export class StudentGapConnection {
  @Field(() => Int, {
    description:
      "Students matching the filter in the first page's snapshot, counted from at most 2,000 matching open gaps: exact when totalCountIsExact, else a lower bound (show it as '1,234+').",
  })
  totalCount!: number;
  @Field(() => Boolean, {
    description:
      'False when totalCount is a lower bound: more gaps match than counting reads, so there may be more students.',
  })
  totalCountIsExact!: boolean;
  @Field(() => [StudentGapEdge], { description: 'The page: at most `first` students.' })
  edges!: StudentGapEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType({ description: 'What an advisor decision did to a gap.' })
export class GapDecision {
  @Field(() => ID) id!: string;
  @Field(() => GapState) state!: GapState;
  @Field(() => String, { nullable: true, complexity: TEXT_COST.reason }) reason!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) snoozedUntil!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) nextReminderAt!: Date | null;
}
