import { DateTime, FixedOffsetZone } from 'luxon';
import type { StudentFacts } from './facts.js';
import { deriveGaps, type DerivedGap, type PlannedGap } from './gaps.js';
import type { Policy } from './policy.js';
import { planReminders, type PlannedReminder } from './schedule.js';

export interface StudentPlan {
  gaps: PlannedGap[];
  reminders: PlannedReminder[];
}

/**
 * The follow-up rules as one pure function: one student's facts + `now` + the center's policy → the gaps and
 * the reminders to schedule. Same input, same output (ids included); no clock, no I/O. The rules work in epoch
 * milliseconds; the answer carries UTC DateTimes, built once each here.
 */
export function planStudent(facts: StudentFacts, policy: Policy, now: Date): StudentPlan {
  const nowMs = now.getTime();
  const gaps = deriveGaps(facts, policy, nowMs);
  const reminders = planReminders(facts, gaps, nowMs);
  const utc = utcDateTimes();
  return {
    gaps: gaps.map((gap) => withDateTimes(gap, utc)),
    reminders: reminders.map((r) => ({
      id: r.id,
      at: utc(r.at),
      status: r.status,
      items: r.items,
      why: r.why,
    })),
  };
}

/** A UTC DateTime per instant, one object per distinct instant of a plan (DateTimes are immutable). */
function utcDateTimes(): (ms: number) => DateTime {
  const built = new Map<number, DateTime>();
  return (ms) => {
    let dateTime = built.get(ms);
    if (!dateTime) {
      dateTime = DateTime.fromMillis(ms, { zone: FixedOffsetZone.utcInstance });
      built.set(ms, dateTime);
    }
    return dateTime;
  };
}

function withDateTimes(gap: DerivedGap, utc: (ms: number) => DateTime): PlannedGap {
  return {
    id: gap.id,
    interactionId: gap.interactionId,
    purpose: gap.purpose,
    sequence: gap.sequence,
    opensAt: utc(gap.opensAt),
    idealBy: utc(gap.idealBy),
    overdueAt: utc(gap.overdueAt),
    staleAfter: utc(gap.staleAfter),
    state: gap.state,
    stateReason: gap.stateReason,
    nudges: gap.nudges.map((n) => ({
      number: n.number,
      dueAt: utc(n.dueAt),
      rule: n.rule,
      anchor: utc(n.anchor),
    })),
  };
}
