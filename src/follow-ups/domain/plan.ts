import type { StudentFacts } from './facts.js';
import { deriveGaps, type PlannedGap } from './gaps.js';
import type { Policy } from './policy.js';
import { planReminders, type PlannedReminder } from './schedule.js';

export interface StudentPlan {
  gaps: PlannedGap[];
  reminders: PlannedReminder[];
}

/**
 * The follow-up rules as one pure function: one student's facts + `now` + the center's policy → the gaps and
 * the reminders to schedule. Same input, same output (ids included); no clock, no I/O. Instants are epoch
 * milliseconds throughout, the answer's included: a plan builds no date objects (building them was about half
 * of the rules' time), and its callers convert the few instants they store or show.
 */
export function planStudent(facts: StudentFacts, policy: Policy, now: Date): StudentPlan {
  const nowMs = now.getTime();
  const gaps = deriveGaps(facts, policy, nowMs);
  return { gaps, reminders: planReminders(facts, gaps, nowMs) };
}
