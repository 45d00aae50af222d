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

registerEnumType(InteractionKind, { name: 'InteractionKind' });
registerEnumType(InteractionOutcome, { name: 'InteractionOutcome' });
registerEnumType(GapPurpose, { name: 'GapPurpose' });
registerEnumType(GapUrgency, { name: 'GapUrgency', description: 'Of an open gap, at request time.' });
registerEnumType(GapState, { name: 'GapState' });
registerEnumType(FollowUpChannel, { name: 'FollowUpChannel' });
registerEnumType(ReminderStatus, { name: 'ReminderStatus' });
