import type { GapPurpose, InteractionKind, InteractionOutcome } from './vocabulary.js';

/** Everything the rules need to know about one student, loaded by the caller; no I/O happens in the domain. */
export interface StudentFacts {
  studentId: string;
  timezone: string;
  notificationsEnabled: boolean;
  interactions: InteractionFacts[];
  followUps: FollowUpFacts[];
  /** Nudges already spent: reminders SENT, or SUPPRESSED whose time has passed. */
  nudgesSent: { gapId: string; number: number; at: Date }[];
  /** When the student was last actually reminded (a SENT reminder), for the 4-hour spacing. */
  lastRemindedAt: Date | null;
  /** Gaps an advisor dismissed, with the advisor's reason: they stay DISMISSED and are never nudged. */
  dismissedGaps: ReadonlyMap<string, string>;
  /** Gaps an advisor snoozed: no nudge for them before this instant. */
  snoozedUntil: ReadonlyMap<string, Date>;
}

export interface InteractionFacts {
  id: string;
  kind: InteractionKind;
  occurredAt: Date;
  endedAt: Date | null;
  outcome: InteractionOutcome;
  /** `YYYY-MM-DD`: the day the company promised a decision. */
  resultExpectedBy: string | null;
}

export interface FollowUpFacts {
  interactionId: string;
  purpose: GapPurpose;
  sentAt: Date;
}
