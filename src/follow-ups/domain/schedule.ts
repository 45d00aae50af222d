import type { StudentFacts } from './facts.js';
import type { PlannedGap } from './gaps.js';
import { utcIso } from './local-time.js';
import { MIN_REMINDER_SPACING } from './policy.js';
import { describeShift, placeInDeliveryWindow, type Placement, type QuietHoursShift } from './quiet-hours.js';
import { stableId } from './stable-id.js';
import type { PlannedReminderStatus } from './vocabulary.js';
import { zoneOffsets } from './zones.js';

const SPACING_MS = MIN_REMINDER_SPACING.as('milliseconds');

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
  quietHours: QuietHoursShift | null;
  spacing: { decision: 'none' | 'coalesced' | 'delayed'; detail: string };
  suppressed?: string;
}

export interface PlannedReminder {
  id: string;
  /** Epoch milliseconds (UTC). */
  at: number;
  status: PlannedReminderStatus;
  items: ReminderItem[];
  why: ReminderWhy;
}

interface Candidate {
  gap: PlannedGap;
  number: number;
  rule: string;
  anchor: number;
  dueAt: number;
  caughtUp: boolean;
  placement: Placement;
  /** No earlier than this: now, or the end of an advisor's snooze. */
  notBefore: number;
}

/**
 * Turns the open gaps' wished-for nudges into reminders: skips nudges already spent (never more than two per
 * gap), catches up on ones whose time has passed (one nudge now, not several), keeps them out of quiet hours,
 * coalesces what falls within 4 hours into one reminder and keeps 4 hours after the last one sent, and drops
 * any nudge that would land after its gap's staleness limit. Instants are epoch milliseconds.
 */
export function planReminders(facts: StudentFacts, gaps: PlannedGap[], now: number): PlannedReminder[] {
  const candidates: Candidate[] = [];
  for (const gap of gaps) {
    if (gap.state !== 'OPEN') continue;
    let spent = 0;
    for (const n of facts.nudgesSent) if (n.gapId === gap.id) spent = Math.max(spent, n.number);
    const pending = gap.nudges.filter((n) => n.number > spent);
    if (pending.length === 0) continue;
    // Several nudges already past due (late data, a recompute after downtime) become one nudge now.
    const past = pending.filter((n) => n.dueAt <= now);
    const wish = past.length ? past[past.length - 1] : pending[0];
    // A snoozed gap is not nudged before the advisor's instant; quiet hours never pull it back before that.
    const snoozed = facts.snoozedUntil.get(gap.id)?.getTime();
    const notBefore = snoozed !== undefined && snoozed > now ? snoozed : now;
    const wished = past.length ? now : wish.dueAt;
    const dueAt = wished < notBefore ? notBefore : wished;
    candidates.push({
      gap,
      number: wish.number,
      rule: wish.rule,
      anchor: wish.anchor,
      dueAt: wish.dueAt,
      caughtUp: past.length > 0,
      placement: placeInDeliveryWindow(dueAt, zoneOffsets(facts.timezone), gap.overdueAt, notBefore),
      notBefore,
    });
  }
  candidates.sort((a, b) => a.placement.at - b.placement.at || a.gap.id.localeCompare(b.gap.id));
  return coalesce(facts, candidates, now);
}

/** SPEC rule 5: one reminder per 4 hours; what falls within 4 hours of a reminder rides along with it. */
function coalesce(facts: StudentFacts, candidates: Candidate[], now: number): PlannedReminder[] {
  const reminders: PlannedReminder[] = [];
  let notBefore: number | null = facts.lastRemindedAt ? facts.lastRemindedAt.getTime() + SPACING_MS : null;
  let current: {
    at: number;
    placement: Placement;
    spacing: ReminderWhy['spacing'];
    members: Candidate[];
  } | null = null;

  const close = () => {
    if (!current) return;
    const at = current.at;
    const kept = current.members.filter((m) => at <= m.gap.staleAfter);
    if (kept.length)
      reminders.push(toReminder(facts, kept, at, current.placement, keptSpacing(current, kept)));
    notBefore = at + SPACING_MS;
    current = null;
  };

  for (const candidate of candidates) {
    if (
      current &&
      candidate.placement.at < current.at + SPACING_MS &&
      candidate.gap.opensAt <= current.at &&
      candidate.notBefore <= current.at // a snoozed gap never rides along on an earlier reminder
    ) {
      current.members.push(candidate); // the reminder says so when it closes (keptSpacing)
      continue;
    }
    const boundary: number | null = current ? current.at + SPACING_MS : notBefore;
    close();
    let placement = candidate.placement;
    let spacing: ReminderWhy['spacing'] = { decision: 'none', detail: 'no other reminder within 4 hours' };
    if (boundary !== null && placement.at < boundary) {
      const earliest = boundary < now ? now : boundary;
      placement = placeInDeliveryWindow(
        earliest,
        zoneOffsets(facts.timezone),
        candidate.gap.overdueAt,
        earliest,
      );
      spacing = {
        decision: 'delayed',
        detail: `moved from ${utcIso(candidate.placement.at)} to keep 4 hours after the previous reminder`,
      };
      if (!placement.shift) placement = { ...placement, shift: candidate.placement.shift };
    }
    current = { at: placement.at, placement, spacing, members: [candidate] };
  }
  close();
  return reminders;
}

/**
 * The spacing a reminder states, from the nudges it carries (`kept`: its group's members not dropped as
 * stale), so the count is its items'. Several kept: coalesced, that many. One kept, the group's first: the
 * first's own spacing (none, or delayed after the previous reminder), exactly as if it had been alone. One
 * kept that rode along with a first since dropped: said from its own placement, which is at the reminder's
 * instant (none), before it (delayed), or after it (coalesced: brought forward to the dropped nudge's time).
 */
function keptSpacing(
  group: { at: number; spacing: ReminderWhy['spacing']; members: Candidate[] },
  kept: Candidate[],
): ReminderWhy['spacing'] {
  if (kept.length > 1)
    return { decision: 'coalesced', detail: `${kept.length} nudges due within 4 hours share one reminder` };
  const [only] = kept;
  if (only === group.members[0]) return group.spacing;
  if (only.placement.at === group.at) return { decision: 'none', detail: 'no other reminder within 4 hours' };
  if (only.placement.at < group.at)
    return {
      decision: 'delayed',
      detail: `moved from ${utcIso(only.placement.at)} to keep 4 hours after the previous reminder`,
    };
  return {
    decision: 'coalesced',
    detail: `brought forward from ${utcIso(only.placement.at)} to go with a nudge due within 4 hours, which was then dropped as stale`,
  };
}

function toReminder(
  facts: StudentFacts,
  members: Candidate[],
  at: number,
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
        anchor: utcIso(m.anchor)!,
        dueAt: utcIso(m.dueAt)!,
        ...(m.caughtUp ? { caughtUp: 'its time had passed when this was computed, so it goes out now' } : {}),
      })),
      quietHours: describeShift(placement.shift),
      spacing,
      ...(facts.notificationsEnabled ? {} : { suppressed: 'the student opted out of notifications' }),
    },
  };
}
