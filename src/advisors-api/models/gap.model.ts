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
  @Field(() => ID, {
    description: "The gap's id, stable across recomputes: pass it to snoozeGap or dismissGap.",
  })
  id!: string;
  @Field(() => GapPurpose, { description: 'Which follow-up the student owes: a thank-you or a check-in.' })
  purpose!: GapPurpose;
  @Field(() => GapUrgency, {
    description: "DUE, LATE or OVERDUE at this request's instant, from idealBy and overdueAt.",
  })
  urgency!: GapUrgency;
  @Field(() => DateTimeScalar, {
    description:
      'The follow-up is ideally sent by this instant (the second nudge is due then); LATE after it.',
  })
  idealBy!: Date;
  @Field(() => DateTimeScalar, {
    description: "The gap is OVERDUE from this instant, and goes into the advisor's next daily digest.",
  })
  overdueAt!: Date;
  @Field(() => Int, { description: 'Reminders carrying this gap that were sent so far (at most 2 per gap).' })
  remindersSent!: number;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the last reminder carrying this gap was sent; null if none was sent yet.',
  })
  lastRemindedAt!: Date | null;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'When the next SCHEDULED reminder carrying this gap goes out (already moved out of quiet hours); null if none is planned (nudges spent, too late to nudge, or the student opted out).',
  })
  nextReminderAt!: Date | null;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Set by snoozeGap: no nudge for this gap before this instant; null if not snoozed.',
  })
  snoozedUntil!: Date | null;
}

@ObjectType({ description: 'A gap no longer open: satisfied by a follow-up, dismissed, or closed.' })
export class ResolvedGap {
  interactionId!: string;
  @Field(() => ID, { description: "The gap's id." }) id!: string;
  @Field(() => GapPurpose, { description: 'Which follow-up it waited for.' }) purpose!: GapPurpose;
  @Field(() => GapState, { description: 'How it ended: SATISFIED, DISMISSED or CLOSED.' }) state!: GapState;
  @Field(() => String, {
    nullable: true,
    description:
      "Why it ended, in words: when the follow-up was sent, the advisor's reason for dismissing it, or why it closed; null if not recorded.",
    complexity: TEXT_COST.reason,
  })
  reason!: string | null;
  @Field(() => DateTimeScalar, { description: 'The instant the follow-up was ideally sent by.' })
  idealBy!: Date;
  @Field(() => DateTimeScalar, { description: 'The instant it was (or would have been) OVERDUE from.' })
  overdueAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When it stopped being open.' }) resolvedAt!: Date;
}

@ObjectType({ description: 'One gap a reminder nudges about.' })
export class ReminderItem {
  gapId!: string;
  @Field(() => GapPurpose, { description: 'Which follow-up the nudge asks for.' }) purpose!: GapPurpose;
  @Field(() => Int, { description: 'Which nudge of the gap (1 or 2).' }) nudge!: number;
  @Field(() => String, {
    nullable: true,
    description: "The gap's interaction (its externalId); null once the interaction was deleted.",
  })
  interactionExternalId!: string | null;
}

@ObjectType({ description: 'Why one gap is nudged: the rule and the instant it asked for.' })
export class ReminderWhyItem {
  @Field(() => ID, { description: 'The gap nudged (Gap.id).' }) gapId!: string;
  @Field(() => Int, { description: 'Which nudge of the gap (1 or 2).' }) nudge!: number;
  @Field({
    description:
      "The rule applied, in words, e.g. 'THANK_YOU first nudge: end + PT2H' (the kind's policy windows).",
  })
  rule!: string;
  @Field({
    description: 'The instant the rule counts from (usually the end of the interaction), ISO-8601 in UTC.',
  })
  anchor!: string;
  @Field({
    description:
      'The instant the rule asked for, ISO-8601 in UTC, before quiet hours and spacing moved it (the reminder’s scheduledAt is where it went).',
  })
  dueAt!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'Set when dueAt had already passed when the reminder was planned (e.g. an interaction synced late), so it goes out now; null otherwise.',
  })
  caughtUp?: string;
}

@ObjectType({
  description:
    "A move out of quiet hours (21:00–08:00 in the student's time zone), in the student's local time with its offset.",
})
export class QuietHoursShift {
  @Field({ description: 'Where the reminder fell, e.g. 2026-11-26T23:00:00.000+09:00.' }) from!: string;
  @Field({ description: 'Where it was moved to, e.g. 2026-11-27T08:00:00.000+09:00.' }) to!: string;
  @Field({
    description:
      "'next-morning' (to 08:00 the next morning), or 'pulled-before-deadline' (back to 21:00 the evening before, so that it arrives before the gap is overdue).",
  })
  reason!: string;
}

@ObjectType({
  description: 'How the 4-hour spacing between reminders to one student shaped this reminder.',
})
export class SpacingDecision {
  @Field({
    description:
      "'none' (no other reminder within 4 hours), 'coalesced' (nudges due within 4 hours share this reminder) or 'delayed' (moved to keep 4 hours after the previous one).",
  })
  decision!: string;
  @Field({ description: 'The decision in words, with the instant it moved from when it moved.' })
  detail!: string;
}

@ObjectType({ description: 'Why a reminder goes out when it does (SPEC section 3).' })
export class ReminderWhy {
  @Field({ description: "The student's IANA time zone that quiet hours were applied in." }) timezone!: string;
  /** A field resolver with `first` (relations.resolver.ts). */
  items!: ReminderWhyItem[];
  @Field(() => QuietHoursShift, {
    nullable: true,
    description: 'How quiet hours moved the reminder; null if it was not moved.',
  })
  quietHours!: QuietHoursShift | null;
  @Field(() => SpacingDecision, { description: 'Whether spacing coalesced or delayed it.' })
  spacing!: SpacingDecision;
  @Field(() => String, {
    nullable: true,
    description: 'Why it is not sent, for a SUPPRESSED reminder (the student opted out); null otherwise.',
  })
  suppressed?: string;
}

@ObjectType({
  description:
    'One nudge to the student, sent as a followup.reminder webhook to the student-mail service; it can cover several gaps.',
})
export class Reminder {
  @Field(() => ID, { description: "The reminder's id (the webhook's reminderId)." }) id!: string;
  @Field(() => ReminderStatus, {
    description: 'Where it stands: planned, sent, cancelled, suppressed or failed.',
  })
  status!: ReminderStatus;
  @Field(() => DateTimeScalar, {
    description: 'When it goes out (or was due to), after quiet hours and spacing.',
  })
  scheduledAt!: Date;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When it was delivered (SENT); null otherwise.',
  })
  sentAt!: Date | null;
  @Field(() => String, {
    nullable: true,
    description: 'Why it was CANCELLED or FAILED, in words; null otherwise.',
  })
  cancelReason!: string | null;
  /** A field resolver with `first` (relations.resolver.ts). */
  items!: ReminderItem[];
  @Field(() => ReminderWhy, { description: 'Why it goes out when it does: rules, quiet hours, spacing.' })
  why!: ReminderWhy;
}

@ObjectType({ description: 'A student on the page, with their open gaps that match the filter.' })
export class StudentGaps {
  studentId!: string;
  @Field(() => Student, { description: 'The student.' }) student!: Student;
  /** A field resolver with `first` (relations.resolver.ts). */
  gaps!: Gap[];
}

@ObjectType({ description: 'One student of a studentsMissingFollowUps page (Relay edge).' })
export class StudentGapEdge {
  @Field({ description: 'Opaque: pass it as `after` to continue after this student.' }) cursor!: string;
  @Field(() => StudentGaps, { description: 'The student and their matching open gaps.' }) node!: StudentGaps;
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

@ObjectType({
  description: 'A page of students missing follow-ups, most urgent first (Relay connection).',
})
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
  @Field(() => PageInfo, { description: 'Whether more students follow, and the cursor to ask for them.' })
  pageInfo!: PageInfo;
}

@ObjectType({ description: 'What an advisor decision did to a gap.' })
export class GapDecision {
  @Field(() => ID, { description: "The gap's id." }) id!: string;
  @Field(() => GapState, {
    description: 'Its state now: DISMISSED after dismissGap, still OPEN after snoozeGap.',
  })
  state!: GapState;
  @Field(() => String, {
    nullable: true,
    description: 'The reason given to dismissGap; null for a snooze.',
    complexity: TEXT_COST.reason,
  })
  reason!: string | null;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'No nudge for the gap before this instant; null if not snoozed.',
  })
  snoozedUntil!: Date | null;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      "The gap's next scheduled reminder after the decision; null if none (always null once dismissed).",
  })
  nextReminderAt!: Date | null;
}
