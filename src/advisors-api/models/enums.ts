import { registerEnumType } from '@nestjs/graphql';

// The GraphQL enums mirror the REST values one to one (SPEC sections 2 and 5.2).
export enum InteractionKind {
  INTERVIEW = 'INTERVIEW',
  INFO_SESSION = 'INFO_SESSION',
  CAREER_FAIR = 'CAREER_FAIR',
  NETWORKING = 'NETWORKING',
  OTHER = 'OTHER',
}
export enum InteractionOutcome {
  PENDING = 'PENDING',
  PASSED = 'PASSED',
  OFFER = 'OFFER',
  REJECTED = 'REJECTED',
  WITHDRAWN = 'WITHDRAWN',
}
export enum GapPurpose {
  THANK_YOU = 'THANK_YOU',
  CHECK_IN = 'CHECK_IN',
}
export enum GapUrgency {
  DUE = 'DUE',
  LATE = 'LATE',
  OVERDUE = 'OVERDUE',
}
export enum GapState {
  OPEN = 'OPEN',
  SATISFIED = 'SATISFIED',
  DISMISSED = 'DISMISSED',
  CLOSED = 'CLOSED',
}
export enum FollowUpChannel {
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  SNS = 'SNS',
  LETTER = 'LETTER',
  IN_PERSON = 'IN_PERSON',
}
export enum ReminderStatus {
  SCHEDULED = 'SCHEDULED',
  SENT = 'SENT',
  CANCELLED = 'CANCELLED',
  SUPPRESSED = 'SUPPRESSED',
  FAILED = 'FAILED',
}

registerEnumType(InteractionKind, { name: 'InteractionKind' });
registerEnumType(InteractionOutcome, { name: 'InteractionOutcome' });
registerEnumType(GapPurpose, { name: 'GapPurpose' });
registerEnumType(GapUrgency, { name: 'GapUrgency', description: 'Of an open gap, at request time.' });
registerEnumType(GapState, { name: 'GapState' });
registerEnumType(FollowUpChannel, { name: 'FollowUpChannel' });
registerEnumType(ReminderStatus, { name: 'ReminderStatus' });
