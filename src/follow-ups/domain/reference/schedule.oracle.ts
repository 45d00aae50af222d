// Reference implementation (test-only, excluded from the build): the luxon rules as they were before the
// millisecond rewrite, kept verbatim as the oracle that matches-reference.spec.ts compares the engine with.
import { DateTime } from 'luxon';
import type { StudentFacts } from '../facts.js';
import type { PlannedGap } from './gaps.oracle.js';
import { MIN_REMINDER_SPACING } from './policy.oracle.js';

import { placeInDeliveryWindow, type Placement } from './quiet-hours.oracle.js';
import { stableId } from './stable-id.oracle.js';

const SPACING_MS = MIN_REMINDER_SPACING.as('milliseconds');

/** `at` + the minimum spacing, in millisecond arithmetic (luxon's plus() builds a Duration on every call). */
const afterSpacing = (at: DateTime) => DateTime.fromMillis(at.toMillis() + SPACING_MS, { zone: at.zone });

export interface ReminderItem {
  gapId: string;
  purpose: PlannedGap['purpose'];
  interactionId: string;
  /** Which nudge of the gap this is (1 or 2). */
  nudge: number;
}

/** Why a reminder goes out when it does, in terms a person can check against SPEC section 3. */
export interface ReminderWhy {
  timezone: string;
  items: { gapId: string; nudge: number; rule: string; anchor: string; dueAt: string; caughtUp?: string }[];
  quietHours: Placement['shift'];
  spacing: { decision: 'none' | 'coalesced' | 'delayed'; detail: string };
  suppressed?: string;
}

export interface PlannedReminder {
  id: string;
  at: DateTime;
  status: 'SCHEDULED' | 'SUPPRESSED';
  items: ReminderItem[];
  why: ReminderWhy;
}

interface Candidate {
  gap: PlannedGap;
  number: number;
  rule: string;
  anchor: DateTime;
  dueAt: DateTime;
  caughtUp: boolean;
  placement: Placement;
  /** No earlier than this: now, or the end of an advisor's snooze. */
  notBefore: DateTime;
}

/**
 * Turns the open gaps' wished-for nudges into reminders: skips nudges already spent (never more than two per
 * gap), catches up on ones whose time has passed (one nudge now, not several), keeps them out of quiet hours,
 * coalesces what falls within 4 hours into one reminder and keeps 4 hours after the last one sent, and drops
 * any nudge that would land after its gap's staleness limit.
 */
export function planReminders(facts: StudentFacts, gaps: PlannedGap[], now: DateTime): PlannedReminder[] {
  const zone = facts.timezone;
  const candidates: Candidate[] = [];
  for (const gap of gaps) {
    if (gap.state !== 'OPEN') continue;
    const spent = facts.nudgesSent
      .filter((n) => n.gapId === gap.id)
      .reduce((max, n) => Math.max(max, n.number), 0);
    const pending = gap.nudges.filter((n) => n.number > spent);
    if (pending.length === 0) continue;
    // Several nudges already past due (late data, a recompute after downtime) become one nudge now.
    const past = pending.filter((n) => n.dueAt <= now);
    const wish = past.length ? past[past.length - 1] : pending[0];
    // A snoozed gap is not nudged before the advisor's instant; quiet hours never pull it back before that.
    const snoozed = facts.snoozedUntil.get(gap.id);
    const notBefore =
      snoozed && snoozed > now.toJSDate() ? DateTime.fromJSDate(snoozed, { zone: 'utc' }) : now;
    const wished = past.length ? now : wish.dueAt;
    const dueAt = wished < notBefore ? notBefore : wished;
    candidates.push({
      gap,
      number: wish.number,
      rule: wish.rule,
      anchor: wish.anchor,
      dueAt: wish.dueAt,
      caughtUp: past.length > 0,
      placement: placeInDeliveryWindow(dueAt, zone, gap.overdueAt, notBefore),
      notBefore,
    });
  }
  candidates.sort(
    (a, b) => a.placement.at.toMillis() - b.placement.at.toMillis() || a.gap.id.localeCompare(b.gap.id),
  );

  const reminders: PlannedReminder[] = [];
  let notBefore: DateTime | null = facts.lastRemindedAt
    ? afterSpacing(DateTime.fromJSDate(facts.lastRemindedAt, { zone: 'utc' }))
    : null;
  let current: {
    at: DateTime;
    placement: Placement;
    spacing: ReminderWhy['spacing'];
    members: Candidate[];
  } | null = null;

  const close = () => {
    if (!current) return;
    const kept = current.members.filter((m) => current!.at <= m.gap.staleAfter);
    if (kept.length)
      reminders.push(toReminder(facts, kept, current.at, current.placement, keptSpacing(current, kept)));
    notBefore = afterSpacing(current.at);
    current = null;
  };

  for (const candidate of candidates) {
    if (
      current &&
      candidate.placement.at < afterSpacing(current.at) &&
      candidate.gap.opensAt <= current.at &&
      candidate.notBefore <= current.at // a snoozed gap never rides along on an earlier reminder
    ) {
      current.members.push(candidate);
      continue;
    }
    const boundary = current ? afterSpacing(current.at) : notBefore;
    close();
    let placement = candidate.placement;
    let spacing: ReminderWhy['spacing'] = { decision: 'none', detail: 'no other reminder within 4 hours' };
    if (boundary && placement.at < boundary) {
      const earliest = boundary < now ? now : boundary;
      placement = placeInDeliveryWindow(earliest, zone, candidate.gap.overdueAt, earliest);
      spacing = {
        decision: 'delayed',
        detail: `moved from ${candidate.placement.at.toISO()} to keep 4 hours after the previous reminder`,
      };
      if (!placement.shift) placement = { ...placement, shift: candidate.placement.shift };
    }
    current = { at: placement.at, placement, spacing, members: [candidate] };
  }
  close();
  return reminders;
}

/** The spacing a reminder states, counting only the nudges it keeps (as the engine's keptSpacing). */
function keptSpacing(
  group: { at: DateTime; spacing: ReminderWhy['spacing']; members: Candidate[] },
  kept: Candidate[],
): ReminderWhy['spacing'] {
  if (kept.length > 1)
    return { decision: 'coalesced', detail: `${kept.length} nudges due within 4 hours share one reminder` };
  const [only] = kept;
  if (only === group.members[0]) return group.spacing;
  if (only.placement.at.toMillis() === group.at.toMillis())
    return { decision: 'none', detail: 'no other reminder within 4 hours' };
  if (only.placement.at < group.at)
    return {
      decision: 'delayed',
      detail: `moved from ${only.placement.at.toISO()} to keep 4 hours after the previous reminder`,
    };
  return {
    decision: 'coalesced',
    detail: `brought forward from ${only.placement.at.toISO()} to go with a nudge due within 4 hours, which was then dropped as stale`,
  };
}

function toReminder(
  facts: StudentFacts,
  members: Candidate[],
  at: DateTime,
  placement: Placement,
  spacing: ReminderWhy['spacing'],
): PlannedReminder {
  const first = members[0];
  return {
    id: stableId(`reminder:${facts.studentId}:${first.gap.id}#${first.number}`),
    at,
    status: facts.notificationsEnabled ? 'SCHEDULED' : 'SUPPRESSED',
    items: members.map((m) => ({
      gapId: m.gap.id,
      purpose: m.gap.purpose,
      interactionId: m.gap.interactionId,
      nudge: m.number,
    })),
    why: {
      timezone: facts.timezone,
      items: members.map((m) => ({
        gapId: m.gap.id,
        nudge: m.number,
        rule: `${m.gap.purpose} ${m.rule}`,
        anchor: m.anchor.toISO()!,
        dueAt: m.dueAt.toISO()!,
        ...(m.caughtUp ? { caughtUp: 'its time had passed when this was computed, so it goes out now' } : {}),
      })),
      quietHours: placement.shift,
      spacing,
      ...(facts.notificationsEnabled ? {} : { suppressed: 'the student opted out of notifications' }),
    },
  };
}
