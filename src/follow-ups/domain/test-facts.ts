import type { FollowUpFacts, InteractionFacts, StudentFacts } from './facts.js';

/** Builders for the domain's unit tests (times are ISO strings with offsets, as the portal sends them). */
export function interaction(
  id: string,
  fields: Partial<Omit<InteractionFacts, 'occurredAt' | 'endedAt'>> & {
    occurredAt: string;
    endedAt?: string;
  },
): InteractionFacts {
  return {
    id,
    kind: 'INTERVIEW',
    outcome: 'PENDING',
    resultExpectedBy: null,
    ...fields,
    occurredAt: new Date(fields.occurredAt),
    endedAt: fields.endedAt ? new Date(fields.endedAt) : null,
  };
}

export function followUp(
  interactionId: string,
  sentAt: string,
  purpose: FollowUpFacts['purpose'] = 'THANK_YOU',
): FollowUpFacts {
  return { interactionId, sentAt: new Date(sentAt), purpose };
}

export function student(fields: Partial<StudentFacts> = {}): StudentFacts {
  return {
    studentId: 'student-1',
    timezone: 'Asia/Tokyo',
    notificationsEnabled: true,
    interactions: [],
    followUps: [],
    nudgesSent: [],
    lastRemindedAt: null,
    dismissedGaps: new Map(),
    snoozedUntil: new Map(),
    ...fields,
  };
}
