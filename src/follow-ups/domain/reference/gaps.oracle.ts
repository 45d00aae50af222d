// Reference implementation (test-only, excluded from the build): the luxon rules as they were before the
// millisecond rewrite, kept verbatim as the oracle that matches-reference.spec.ts compares the engine with.
import { DateTime, Duration } from 'luxon';
import type { FollowUpFacts, InteractionFacts, StudentFacts } from '../facts.js';
import type { Policy } from '../policy.js';
import { CHECK_IN, NO_NUDGE_AFTER_END } from './policy.oracle.js';
import { stableId } from './stable-id.oracle.js';
import { studentZone } from './zones.oracle.js';

export type GapPurpose = 'THANK_YOU' | 'CHECK_IN';
export type GapState = 'OPEN' | 'SATISFIED' | 'DISMISSED' | 'CLOSED';
export type GapUrgency = 'DUE' | 'LATE' | 'OVERDUE';

/** One nudge the rules want for a gap, before quiet hours and spacing. */
export interface NudgeWish {
  number: number;
  dueAt: DateTime;
  rule: string;
  anchor: DateTime;
}

export interface PlannedGap {
  id: string;
  interactionId: string;
  purpose: GapPurpose;
  /** 1 for thank-yous; 1 or 2 for check-ins. */
  sequence: number;
  opensAt: DateTime;
  idealBy: DateTime;
  overdueAt: DateTime;
  /** No nudge for this gap after this instant (late data, SPEC rule 6). */
  staleAfter: DateTime;
  state: GapState;
  /** Why the gap is not OPEN, for people reading it. */
  stateReason: string | null;
  nudges: NudgeWish[];
}

/** The gaps SPEC section 3 derives from one student's interactions and follow-ups, at `now`. */
export function deriveGaps(facts: StudentFacts, policy: Policy, now: DateTime): PlannedGap[] {
  const followUpsOf = new Map<string, FollowUpFacts[]>();
  for (const followUp of facts.followUps) {
    followUpsOf.set(followUp.interactionId, [...(followUpsOf.get(followUp.interactionId) ?? []), followUp]);
  }
  return facts.interactions.flatMap((interaction) => {
    const followUps = (followUpsOf.get(interaction.id) ?? []).sort(
      (a, b) => a.sentAt.getTime() - b.sentAt.getTime(),
    );
    const gaps = [
      ...thankYouGap(interaction, policy, followUps),
      ...checkInGaps(interaction, policy, followUps, facts, now),
    ];
    return gaps.map((gap) => {
      const reason = facts.dismissedGaps.get(gap.id);
      return reason !== undefined && gap.state === 'OPEN'
        ? { ...gap, state: 'DISMISSED' as const, stateReason: reason, nudges: [] }
        : gap;
    });
  });
}

const durationMs = new Map<string, number>();

/** `instant` + an ISO-8601 duration, in UTC millisecond arithmetic (luxon Durations are costly per call). */
function plusIso(instant: DateTime, iso: string): DateTime {
  let ms = durationMs.get(iso);
  if (ms === undefined) {
    ms = Duration.fromISO(iso).as('milliseconds');
    durationMs.set(iso, ms);
  }
  return plusMs(instant, ms);
}

function plusMs(instant: DateTime, ms: number): DateTime {
  return DateTime.fromMillis(instant.toMillis() + ms, { zone: 'utc' });
}

const DAY_MS = 86_400_000;

export function endOf(interaction: InteractionFacts): DateTime {
  return DateTime.fromJSDate(interaction.endedAt ?? interaction.occurredAt, { zone: 'utc' });
}

function thankYouGap(
  interaction: InteractionFacts,
  policy: Policy,
  followUps: FollowUpFacts[],
): PlannedGap[] {
  const windows = policy[interaction.kind].thankYou;
  if (!windows) return [];
  const end = endOf(interaction);
  const idealBy = plusIso(end, windows.idealWithin);
  const first = followUps[0]; // SPEC rule 2: any follow-up, any channel, satisfies the thank-you
  return [
    {
      id: stableId(`gap:${interaction.id}:THANK_YOU`),
      interactionId: interaction.id,
      purpose: 'THANK_YOU',
      sequence: 1,
      opensAt: end,
      idealBy,
      overdueAt: plusIso(end, windows.overdueAfter),
      staleAfter: plusMs(end, NO_NUDGE_AFTER_END.as('milliseconds')),
      state: first ? 'SATISFIED' : 'OPEN',
      stateReason: first ? `follow-up sent ${first.sentAt.toISOString()}` : null,
      nudges: [
        {
          number: 1,
          dueAt: plusIso(end, windows.firstNudgeAfter),
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
    },
  ];
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
  now: DateTime,
): PlannedGap[] {
  if (!policy[interaction.kind].checkIns) return [];
  const decided = interaction.outcome !== 'PENDING';
  const checkIns = followUps.filter((f) => f.purpose === 'CHECK_IN');
  const gaps: PlannedGap[] = [];
  let opensAt = interaction.resultExpectedBy
    ? DateTime.fromISO(interaction.resultExpectedBy, { zone: studentZone(facts.timezone) })
        .startOf('day')
        .plus(CHECK_IN.afterPromisedDate)
        .toUTC()
    : plusMs(endOf(interaction), CHECK_IN.afterEndWithoutPromise.as('days') * DAY_MS);
  const anchorRule = interaction.resultExpectedBy ? 'resultExpectedBy + 1 day' : 'end + 7 days';

  for (let sequence = 1; sequence <= CHECK_IN.max; sequence++) {
    // Once decided, only check-ins that had already opened remain (closed); none are created.
    if (decided && opensAt > now) break;
    const id = stableId(`gap:${interaction.id}:CHECK_IN:${sequence}`);
    const satisfiedBy = checkIns[sequence - 1];
    const state = satisfiedBy ? 'SATISFIED' : decided ? 'CLOSED' : 'OPEN';
    gaps.push({
      id,
      interactionId: interaction.id,
      purpose: 'CHECK_IN',
      sequence,
      opensAt,
      idealBy: plusMs(opensAt, CHECK_IN.idealWithin.as('days') * DAY_MS),
      overdueAt: plusMs(opensAt, CHECK_IN.overdueAfter.as('days') * DAY_MS),
      staleAfter: plusMs(opensAt, CHECK_IN.overdueAfter.as('days') * DAY_MS),
      state,
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
      ? DateTime.fromJSDate(satisfiedBy.sentAt, { zone: 'utc' })
      : nudged
        ? DateTime.fromJSDate(nudged, { zone: 'utc' })
        : opensAt <= now
          ? opensAt
          : null;
    if (!settledAt) break;
    opensAt = plusMs(settledAt, CHECK_IN.secondAfterFirst.as('days') * DAY_MS);
  }
  return gaps;
}

/** Urgency of an OPEN gap at `now` (SPEC section 2). */
export function urgencyAt(gap: { idealBy: Date; overdueAt: Date }, now: Date): GapUrgency {
  if (now >= gap.overdueAt) return 'OVERDUE';
  if (now >= gap.idealBy) return 'LATE';
  return 'DUE';
}
