import { DEFAULT_POLICY } from './domain/policy.js';
import { planStudent, type StudentPlan } from './domain/plan.js';
import { interaction, student } from './domain/test-facts.js';
import { planChanges, sameJson, type StoredGap, type StoredReminder } from './plan-changes.js';

const now = new Date('2026-11-26T05:00:00Z'); // 14:00 in Tokyo

/** Two interviews days apart: each a thank-you and a check-in gap, each gap a reminder ahead. */
const plan = planStudent(
  student({
    interactions: [
      interaction('int-1', { occurredAt: '2026-11-27T14:00:00+09:00' }),
      interaction('int-2', { occurredAt: '2026-11-30T14:00:00+09:00' }),
    ],
  }),
  DEFAULT_POLICY,
  now,
);
const plans = new Map<string, StudentPlan>([['student-1', plan]]);

/** The rows a recompute of `plan` stores, as loaded back (why through JSON, keys in jsonb's order). */
function storedFrom(stored: StudentPlan): {
  gaps: Map<string, StoredGap>;
  reminders: Map<string, StoredReminder>;
} {
  return {
    gaps: new Map(
      stored.gaps.map((gap): [string, StoredGap] => [
        gap.id,
        {
          id: gap.id,
          studentId: 'student-1',
          opensAt: gap.opensAt,
          idealBy: gap.idealBy,
          overdueAt: gap.overdueAt,
          state: gap.state,
          stateReason: gap.stateReason,
        },
      ]),
    ),
    reminders: new Map(
      stored.reminders.map((reminder): [string, StoredReminder] => [
        reminder.id,
        {
          id: reminder.id,
          studentId: 'student-1',
          status: reminder.status,
          scheduledAt: new Date(reminder.at),
          dispatched: false,
          why: reversedKeys(JSON.parse(JSON.stringify(reminder.why))),
        },
      ]),
    ),
  };
}
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)]),
  );
}
const nothing = { gaps: [], closedGapIds: [], reminders: [], cancelledReminderIds: [] };

describe('planChanges: only new, changed and closed rows are written', () => {
  it('the plan as stored: nothing to write', () => {
    expect(plan.gaps).toHaveLength(4);
    expect(plan.reminders).toHaveLength(4);
    expect(planChanges(plans, storedFrom(plan), now)).toEqual(nothing);
  });

  it('a first recompute writes every gap and reminder, in id order', () => {
    const changes = planChanges(plans, { gaps: new Map(), reminders: new Map() }, now);
    expect(changes.gaps.map((g) => g.gap.id)).toEqual(plan.gaps.map((g) => g.id).sort());
    expect(changes.reminders.map((r) => r.reminder.id)).toEqual(plan.reminders.map((r) => r.id).sort());
  });

  it('a changed gap or reminder is written alone', () => {
    const stored = storedFrom(plan);
    const [gap] = plan.gaps;
    const [reminder] = plan.reminders;
    stored.gaps.set(gap.id, { ...stored.gaps.get(gap.id)!, state: 'SATISFIED' });
    stored.reminders.set(reminder.id, { ...stored.reminders.get(reminder.id)!, scheduledAt: now });
    const changes = planChanges(plans, stored, now);
    expect(changes.gaps.map((g) => g.gap.id)).toEqual([gap.id]);
    expect(changes.reminders.map((r) => r.reminder.id)).toEqual([reminder.id]);
    expect(changes.closedGapIds).toEqual([]);
    expect(changes.cancelledReminderIds).toEqual([]);
  });

  it('a SENT, FAILED or claimed reminder is never rewritten, whatever the plan says', () => {
    const stored = storedFrom(plan);
    const [sent, failed, claimed] = plan.reminders.map((r) => stored.reminders.get(r.id)!);
    stored.reminders.set(sent.id, { ...sent, status: 'SENT', scheduledAt: now, why: null });
    stored.reminders.set(failed.id, { ...failed, status: 'FAILED', why: null });
    stored.reminders.set(claimed.id, { ...claimed, dispatched: true, scheduledAt: now, why: null });
    expect(planChanges(plans, stored, now)).toEqual(nothing);
  });

  it('open gaps and pending reminders no longer planned are closed and cancelled; the rest stay', () => {
    const stored = storedFrom(plan);
    const others = new Map<string, StudentPlan>([['student-1', { gaps: [], reminders: [] }]]);
    const [scheduled, suppressedAhead, suppressedPast, claimed] = plan.reminders.map((r) =>
      stored.reminders.get(r.id)!,
    );
    stored.reminders.set(suppressedAhead.id, { ...suppressedAhead, status: 'SUPPRESSED' });
    stored.reminders.set(suppressedPast.id, { ...suppressedPast, status: 'SUPPRESSED', scheduledAt: now });
    stored.reminders.set(claimed.id, { ...claimed, dispatched: true });
    const [open, satisfied] = plan.gaps;
    stored.gaps.set(satisfied.id, { ...stored.gaps.get(satisfied.id)!, state: 'SATISFIED' });

    const changes = planChanges(others, stored, now);
    expect(changes.closedGapIds).toEqual(
      plan.gaps
        .map((g) => g.id)
        .filter((id) => id !== satisfied.id)
        .sort(),
    );
    expect(changes.closedGapIds).toContain(open.id);
    expect(changes.cancelledReminderIds).toEqual([scheduled.id, suppressedAhead.id].sort());
  });
});

describe('sameJson', () => {
  it('ignores key order, not values, array order or missing keys', () => {
    expect(sameJson({ a: 1, b: { c: [1, 'x'] } }, { b: { c: [1, 'x'] }, a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: '1' })).toBe(false);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameJson({ a: 1, b: null }, { a: 1 })).toBe(false);
    expect(sameJson({ a: null }, { a: {} })).toBe(false);
    expect(sameJson([], {})).toBe(false);
  });
});
