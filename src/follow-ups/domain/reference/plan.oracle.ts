// Reference implementation (test-only, excluded from the build): the luxon rules as they were before the
// millisecond rewrite, kept verbatim as the oracle that matches-reference.spec.ts compares the engine with.
import { DateTime } from 'luxon';
import type { StudentFacts } from '../facts.js';
import { deriveGaps, type PlannedGap } from './gaps.oracle.js';
import type { Policy } from '../policy.js';
import { planReminders, type PlannedReminder } from './schedule.oracle.js';

export interface StudentPlan {
  gaps: PlannedGap[];
  reminders: PlannedReminder[];
}

/**
 * The follow-up rules as one pure function: one student's facts + `now` + the center's policy → the gaps and
 * the reminders to schedule. Same input, same output (ids included); no clock, no I/O.
 */
export function planStudent(facts: StudentFacts, policy: Policy, now: Date): StudentPlan {
  const at = DateTime.fromJSDate(now, { zone: 'utc' });
  const gaps = deriveGaps(facts, policy, at);
  return { gaps, reminders: planReminders(facts, gaps, at) };
}
