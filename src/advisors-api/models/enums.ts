import { registerEnumType } from '@nestjs/graphql';
import {
  enumOf,
  FOLLOW_UP_CHANNELS,
  GAP_PURPOSES,
  GAP_STATES,
  GAP_URGENCIES,
  INTERACTION_KINDS,
  INTERACTION_OUTCOMES,
  REMINDER_STATUSES,
} from '../../follow-ups/domain/vocabulary.js';

// The GraphQL enums are the REST and domain vocabularies (src/follow-ups/domain/vocabulary.ts), one to one:
// the same names and values (SPEC sections 2 and 5.2). Each is an object and a type, as a TypeScript enum is.
export const InteractionKind = enumOf(INTERACTION_KINDS);
export type InteractionKind = (typeof InteractionKind)[keyof typeof InteractionKind];
export const InteractionOutcome = enumOf(INTERACTION_OUTCOMES);
export type InteractionOutcome = (typeof InteractionOutcome)[keyof typeof InteractionOutcome];
export const GapPurpose = enumOf(GAP_PURPOSES);
export type GapPurpose = (typeof GapPurpose)[keyof typeof GapPurpose];
export const GapUrgency = enumOf(GAP_URGENCIES);
export type GapUrgency = (typeof GapUrgency)[keyof typeof GapUrgency];
export const GapState = enumOf(GAP_STATES);
export type GapState = (typeof GapState)[keyof typeof GapState];
export const FollowUpChannel = enumOf(FOLLOW_UP_CHANNELS);
export type FollowUpChannel = (typeof FollowUpChannel)[keyof typeof FollowUpChannel];
export const ReminderStatus = enumOf(REMINDER_STATUSES);
export type ReminderStatus = (typeof ReminderStatus)[keyof typeof ReminderStatus];

/**
 * What each value means, for the schema's readers (advisors' tools, GraphiQL's Docs). A Record over the
 * vocabulary, so a value added there does not compile until it is described here.
 */
function described<T extends string>(values: Record<T, string>): Record<T, { description: string }> {
  return Object.fromEntries(
    Object.entries<string>(values).map(([value, description]) => [value, { description }]),
  ) as Record<T, { description: string }>;
}

registerEnumType(InteractionKind, {
  name: 'InteractionKind',
  description:
    "What kind of meeting the student had with the company; each kind has its center's follow-up policy (windows and check-ins).",
  valuesMap: described<InteractionKind>({
    INTERVIEW:
      'A selection interview. By default: first thank-you nudge 2 h after the end, ideally thanked within 24 h, overdue after 48 h, and check-ins while the outcome is PENDING.',
    INFO_SESSION:
      'A company information session (説明会). By default: first nudge after 3 h, ideally within 24 h, overdue after 72 h.',
    CAREER_FAIR:
      'A conversation at a career fair booth. By default: first nudge after 3 h, ideally within 48 h, overdue after 96 h.',
    NETWORKING:
      'An informal meeting, such as an alumni visit (OB/OG訪問). By default: first nudge after 3 h, ideally within 24 h, overdue after 72 h.',
    OTHER: 'Anything else the portal records. By default it opens no thank-you gap and sends no nudge.',
  }),
});
registerEnumType(InteractionOutcome, {
  name: 'InteractionOutcome',
  description: 'Where the selection stands after the interaction, as the portal last reported it.',
  valuesMap: described<InteractionOutcome>({
    PENDING:
      "No decision yet (the default). While an interview's outcome is PENDING, check-in gaps open after resultExpectedBy (or 7 days after the end).",
    PASSED: 'The student passed this stage and goes on to the next. Closes open check-in gaps.',
    OFFER: 'The company made the student an offer. Closes open check-in gaps.',
    REJECTED: 'The company declined the student. Closes open check-in gaps.',
    WITHDRAWN: 'The student withdrew from the selection. Closes open check-in gaps.',
  }),
});
registerEnumType(GapPurpose, {
  name: 'GapPurpose',
  description:
    'Which follow-up a gap waits for (and so what its reminders and draft ask the student to send).',
  valuesMap: described<GapPurpose>({
    THANK_YOU:
      'A thank-you to the company for the meeting. Any follow-up logged for the interaction satisfies it.',
    CHECK_IN:
      'A polite check on the result of an interview whose outcome is still PENDING. A CHECK_IN follow-up satisfies it; a decided outcome closes it.',
  }),
});
registerEnumType(GapUrgency, {
  name: 'GapUrgency',
  description:
    "How late an open gap is, computed at the request's instant from its idealBy and overdueAt (not stored).",
  valuesMap: described<GapUrgency>({
    DUE: 'Before idealBy: the follow-up is owed and still on time.',
    LATE: 'Past idealBy but before overdueAt: still worth sending soon.',
    OVERDUE:
      "Past overdueAt: the advisor's daily digest (followup.escalation) lists it the day it becomes overdue.",
  }),
});
registerEnumType(GapState, {
  name: 'GapState',
  description: "A gap's life cycle: OPEN until a follow-up, an advisor or a change in the records ends it.",
  valuesMap: described<GapState>({
    OPEN: 'The follow-up is still owed; reminders may go out for it.',
    SATISFIED: 'A follow-up for the interaction was logged (by the portal or with logFollowUp).',
    DISMISSED: 'An advisor dismissed it with a reason (dismissGap); its pending reminders were cancelled.',
    CLOSED:
      "No longer applies: its interaction was deleted or changed, the student was erased, or (for a check-in) the interview's outcome was decided.",
  }),
});
registerEnumType(FollowUpChannel, {
  name: 'FollowUpChannel',
  description: 'How the student sent a follow-up. Every channel counts the same for the rules.',
  valuesMap: described<FollowUpChannel>({
    EMAIL: 'An e-mail.',
    PHONE: 'A phone call.',
    SNS: 'A message on a social network or messaging app (e.g. LinkedIn, LINE).',
    LETTER: 'A letter or card sent by post.',
    IN_PERSON: 'Said in person, e.g. at the next interview.',
  }),
});
registerEnumType(ReminderStatus, {
  name: 'ReminderStatus',
  description: 'Where a reminder (one nudge to the student, sent as a followup.reminder webhook) stands.',
  valuesMap: described<ReminderStatus>({
    SCHEDULED: 'Planned for scheduledAt; replanned whenever the student’s records change.',
    SENT: 'Delivered: every webhook endpoint subscribed to followup.reminder answered 2xx (sentAt says when).',
    CANCELLED:
      'Not sent and no longer needed, e.g. its gaps were satisfied or dismissed first (cancelReason).',
    SUPPRESSED: 'Recorded but never sent: the student has notificationsEnabled false.',
    FAILED:
      'Not delivered: every retry failed (about 27.5 hours), or no endpoint was left to send it to (cancelReason).',
  }),
});
