import { DateTime, Duration } from 'luxon';
import type { FollowUpFacts, InteractionFacts, StudentFacts } from './facts.js';
import { atHour, fromWallClock, plusDays } from './local-time.js';
import { CHECK_IN, NO_NUDGE_AFTER_END, type Policy } from './policy.js';
import { stableId } from './stable-id.js';
import type { GapPurpose, GapState, GapUrgency } from './vocabulary.js';
import { zoneOffsets } from './zones.js';

/** One nudge the rules want for a gap, before quiet hours and spacing. */
export interface NudgeWish {
  number: number;
  dueAt: number;
  rule: string;
  anchor: number;
}

/**
 * A gap as the rules compute it. Every instant is in epoch milliseconds (UTC): the rules' hot path builds no date
 * objects, and callers convert at their edge (`utcIso` for SQL and JSON).
 */
export interface PlannedGap {
  id: string;
  interactionId: string;
  purpose: GapPurpose;
  /** 1 for thank-yous; 1 or 2 for check-ins. */
  sequence: number;
  opensAt: number;
  idealBy: number;
  overdueAt: number;
  /** No nudge for this gap after this instant (late data, SPEC rule 6). */
  staleAfter: number;
  state: GapState;
  /** Why the gap is not OPEN, for people reading it. */
  stateReason: string | null;
  nudges: NudgeWish[];
}

const DAY = 86_400_000;
const NO_NUDGE_AFTER_END_MS = NO_NUDGE_AFTER_END.as('milliseconds');
// Check-in windows are whole days of 24 hours from an instant, as they always were.
const CHECK_IN_MS = {
  afterEndWithoutPromise: CHECK_IN.afterEndWithoutPromise.as('days') * DAY,
  secondAfterFirst: CHECK_IN.secondAfterFirst.as('days') * DAY,
  idealWithin: CHECK_IN.idealWithin.as('days') * DAY,
  overdueAfter: CHECK_IN.overdueAfter.as('days') * DAY,
};

/** The gaps SPEC section 3 derives from one student's interactions and follow-ups, at `now` (epoch ms). */
export function deriveGaps(facts: StudentFacts, policy: Policy, now: number): PlannedGap[] {
  const followUpsOf = new Map<string, FollowUpFacts[]>();
  for (const followUp of facts.followUps) {
    const list = followUpsOf.get(followUp.interactionId);
    if (list) list.push(followUp);
    else followUpsOf.set(followUp.interactionId, [followUp]);
  }
  const gaps: PlannedGap[] = [];
  for (const interaction of facts.interactions) {
    const followUps = followUpsOf.get(interaction.id) ?? NONE;
    if (followUps.length > 1) followUps.sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
    const derived = thankYouGap(interaction, policy, followUps);
    if (derived) gaps.push(dismissedOr(derived, facts));
    for (const gap of checkInGaps(interaction, policy, followUps, facts, now))
      gaps.push(dismissedOr(gap, facts));
  }
  return gaps;
}

function dismissedOr(gap: PlannedGap, facts: StudentFacts): PlannedGap {
  if (facts.dismissedGaps.size === 0) return gap;
  const reason = facts.dismissedGaps.get(gap.id);
  return reason !== undefined && gap.state === 'OPEN'
    ? { ...gap, state: 'DISMISSED', stateReason: reason, nudges: [] }
    : gap;
}

const NONE: FollowUpFacts[] = [];
const durationMs = new Map<string, number>();

/** An ISO-8601 duration in milliseconds (luxon parses it once per distinct text). */
function isoMs(iso: string): number {
  let ms = durationMs.get(iso);
  if (ms === undefined) {
    ms = Duration.fromISO(iso).as('milliseconds');
    durationMs.set(iso, ms);
  }
  return ms;
}

/** When the interaction ended (epoch ms): `endedAt`, else `occurredAt`. */
export const endOf = (interaction: InteractionFacts): number =>
  (interaction.endedAt ?? interaction.occurredAt).getTime();

function thankYouGap(
  interaction: InteractionFacts,
  policy: Policy,
  followUps: FollowUpFacts[],
): PlannedGap | undefined {
  const windows = policy[interaction.kind].thankYou;
  if (!windows) return undefined;
  const end = endOf(interaction);
  const idealBy = end + isoMs(windows.idealWithin);
  const first = followUps[0]; // SPEC rule 2: any follow-up, any channel, satisfies the thank-you
  return {
    id: stableId(`gap:${interaction.id}:THANK_YOU`),
    interactionId: interaction.id,
    purpose: 'THANK_YOU',
    sequence: 1,
    opensAt: end,
    idealBy,
    overdueAt: end + isoMs(windows.overdueAfter),
    staleAfter: end + NO_NUDGE_AFTER_END_MS,
    state: first ? 'SATISFIED' : 'OPEN',
    stateReason: first ? `follow-up sent ${first.sentAt.toISOString()}` : null,
    nudges: [
      {
        number: 1,
        dueAt: end + isoMs(windows.firstNudgeAfter),
        rule: `first nudge: end + ${windows.firstNudgeAfter}`,
        anchor: end,
      },
      {
        number: 2,
        dueAt: idealBy,
        rule: `second nudge at idealBy: end + ${windows.idealWithin}`,
        anchor: end,
      },
    ],
  };
}

/**
 * SPEC rule 3: interviews with a pending outcome get a check-in gap at resultExpectedBy + 1 day (start of that
 * day, student-local) or end + 7 days; a second one 7 days after the first was satisfied or nudged; never
 * more than two. Any other outcome closes open check-ins.
 */
function checkInGaps(
  interaction: InteractionFacts,
  policy: Policy,
  followUps: FollowUpFacts[],
  facts: StudentFacts,
  now: number,
): PlannedGap[] {
  if (!policy[interaction.kind].checkIns) return [];
  const decided = interaction.outcome !== 'PENDING';
  const checkIns = followUps.filter((f) => f.purpose === 'CHECK_IN');
  const gaps: PlannedGap[] = [];
  let opensAt = interaction.resultExpectedBy
    ? dayAfterPromise(interaction.resultExpectedBy, facts.timezone, now)
    : endOf(interaction) + CHECK_IN_MS.afterEndWithoutPromise;
  const anchorRule = interaction.resultExpectedBy ? 'resultExpectedBy + 1 day' : 'end + 7 days';

  for (let sequence = 1; sequence <= CHECK_IN.max; sequence++) {
    // Once decided, only check-ins that had already opened remain (closed); none are created.
    if (decided && opensAt > now) break;
    const id = stableId(`gap:${interaction.id}:CHECK_IN:${sequence}`);
    const satisfiedBy = checkIns[sequence - 1];
    const overdueAt = opensAt + CHECK_IN_MS.overdueAfter;
    gaps.push({
      id,
      interactionId: interaction.id,
      purpose: 'CHECK_IN',
      sequence,
      opensAt,
      idealBy: opensAt + CHECK_IN_MS.idealWithin,
      overdueAt,
      staleAfter: overdueAt,
      state: satisfiedBy ? 'SATISFIED' : decided ? 'CLOSED' : 'OPEN',
      stateReason: satisfiedBy
        ? `check-in sent ${satisfiedBy.sentAt.toISOString()}`
        : decided
          ? `outcome ${interaction.outcome}`
          : null,
      nudges: [
        {
          number: 1,
          dueAt: opensAt,
          rule: `check-in ${sequence} opens: ${sequence === 1 ? anchorRule : '7 days after check-in 1'}`,
          anchor: opensAt,
        },
      ],
    });
    // The next check-in counts from when this one was satisfied or nudged; until then it does not exist.
    const nudged = facts.nudgesSent.find((n) => n.gapId === id)?.at;
    const settledAt = satisfiedBy
      ? satisfiedBy.sentAt.getTime()
      : nudged
        ? nudged.getTime()
        : opensAt <= now
          ? opensAt
          : null;
    if (settledAt === null) break;
    opensAt = settledAt + CHECK_IN_MS.secondAfterFirst;
  }
  return gaps;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The start of the day after the promised date, student-local, as luxon's
 * `DateTime.fromISO(date, { zone }).startOf('day').plus({ days: 1 })` gives it. luxon resolves the first wall
 * clock with the zone's offset at the current time as its guess (it decides a repeated midnight); the rules take
 * the offset at `now` instead, so they never read the clock. Other ISO forms are left to luxon.
 */
function dayAfterPromise(date: string, timezone: string, now: number): number {
  const zone = zoneOffsets(timezone);
  const match = ISO_DATE.exec(date);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const wall = Date.UTC(year, month - 1, day);
  if (!match || year < 100 || new Date(wall).getUTCDate() !== day || month < 1 || month > 12) {
    const start = DateTime.fromISO(date, { zone: timezone }).startOf('day');
    return start.isValid ? start.plus({ days: 1 }).toMillis() : NaN;
  }
  const parsed = fromWallClock(wall, zone.offsetAt(now), zone); // DateTime.fromObject keeps this offset
  return plusDays(atHour(parsed, 0, zone), 1, zone).ts;
}

/** Urgency of an OPEN gap at `now` (SPEC section 2). */
export function urgencyAt(gap: { idealBy: Date; overdueAt: Date }, now: Date): GapUrgency {
  if (now >= gap.overdueAt) return 'OVERDUE';
  if (now >= gap.idealBy) return 'LATE';
  return 'DUE';
}
