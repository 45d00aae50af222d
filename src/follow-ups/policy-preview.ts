import { ApiProperty } from '@nestjs/swagger';
import type { StudentFacts } from './domain/facts.js';
import type { PlannedGap } from './domain/gaps.js';
import type { StudentPlan } from './domain/plan.js';
import type { KindPolicy } from './domain/policy.js';
import { GAP_PURPOSES, type GapPurpose, type InteractionKind } from './domain/vocabulary.js';

/** Students planned per read-only transaction, as the center recompute batches them. */
export const POLICY_PREVIEW_BATCH = 500;
export const MAX_SAMPLES = 20;

export class PolicyWindows {
  @ApiProperty({ type: String, nullable: true, example: 'PT3H' }) firstNudgeAfter!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'PT24H' }) idealWithin!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'PT72H' }) overdueAfter!: string | null;
  @ApiProperty() checkIns!: boolean;
}

export class GapChangeCounts {
  @ApiProperty() earlier!: number;
  @ApiProperty() later!: number;
  @ApiProperty() unchanged!: number;
}

export class ReminderChangeCounts {
  @ApiProperty() added!: number;
  @ApiProperty() moved!: number;
  @ApiProperty() cancelled!: number;
  @ApiProperty() unchanged!: number;
}

export class GapTimes {
  @ApiProperty() idealBy!: string;
  @ApiProperty() overdueAt!: string;
  @ApiProperty({ type: String, nullable: true }) nextReminderAt!: string | null;
}

export class PolicyPreviewSample {
  @ApiProperty() studentExternalId!: string;
  @ApiProperty() interactionExternalId!: string;
  @ApiProperty({ enum: GAP_PURPOSES }) purpose!: GapPurpose;
  @ApiProperty({ type: GapTimes }) before!: GapTimes;
  @ApiProperty({ type: GapTimes }) after!: GapTimes;
}

export class PolicyPreview {
  @ApiProperty() kind!: string;
  @ApiProperty({ type: PolicyWindows }) current!: PolicyWindows;
  @ApiProperty({ type: PolicyWindows }) proposed!: PolicyWindows;
  @ApiProperty({ description: 'Students with open gaps of the kind whose gaps or reminders would change' })
  studentsAffected!: number;
  @ApiProperty({ type: GapChangeCounts, description: 'Gaps of the kind, by how their idealBy moves' })
  gaps!: GapChangeCounts;
  @ApiProperty({ type: ReminderChangeCounts, description: 'Pending reminders of the students planned' })
  reminders!: ReminderChangeCounts;
  @ApiProperty({ type: [PolicyPreviewSample], description: 'Up to 20 gaps that would move' })
  samples!: PolicyPreviewSample[];
}

export const windowsOf = (policy: KindPolicy): PolicyWindows => ({
  firstNudgeAfter: policy.thankYou?.firstNudgeAfter ?? null,
  idealWithin: policy.thankYou?.idealWithin ?? null,
  overdueAfter: policy.thankYou?.overdueAfter ?? null,
  checkIns: policy.checkIns,
});

/** A sample as computed: its interaction by internal id (external ids are read when the preview is shown). */
export interface Sample {
  interactionId: string;
  purpose: GapPurpose;
  before: GapTimes;
  after: GapTimes;
}

/**
 * What a preview computed, before its samples are named: the 200 body is made from it at once; a background
 * run stores it (no personal data: samples hold internal ids) and its status resource shows it the same way.
 */
export interface PreviewFigures {
  kind: InteractionKind;
  current: PolicyWindows;
  proposed: PolicyWindows;
  studentsAffected: number;
  gaps: GapChangeCounts;
  reminders: ReminderChangeCounts;
  samples: Sample[];
}

/**
 * The preview as the API shows it: the samples named by their student's and interaction's external ids (read
 * when it is shown: "" for one gone since), every object built in one key order, as a stored run comes back
 * from jsonb in another.
 */
export function previewNamed(
  figures: PreviewFigures,
  names: ReadonlyMap<string, { student: string; interaction: string }>,
): PolicyPreview {
  const { gaps, reminders } = figures;
  return {
    kind: figures.kind,
    current: windowsCopy(figures.current),
    proposed: windowsCopy(figures.proposed),
    studentsAffected: figures.studentsAffected,
    gaps: { earlier: gaps.earlier, later: gaps.later, unchanged: gaps.unchanged },
    reminders: {
      added: reminders.added,
      moved: reminders.moved,
      cancelled: reminders.cancelled,
      unchanged: reminders.unchanged,
    },
    samples: figures.samples.map((sample) => ({
      studentExternalId: names.get(sample.interactionId)?.student ?? '',
      interactionExternalId: names.get(sample.interactionId)?.interaction ?? '',
      purpose: sample.purpose,
      before: timesCopy(sample.before),
      after: timesCopy(sample.after),
    })),
  };
}

const windowsCopy = (w: PolicyWindows): PolicyWindows => ({
  firstNudgeAfter: w.firstNudgeAfter,
  idealWithin: w.idealWithin,
  overdueAfter: w.overdueAfter,
  checkIns: w.checkIns,
});

const timesCopy = (t: GapTimes): GapTimes => ({
  idealBy: t.idealBy,
  overdueAt: t.overdueAt,
  nextReminderAt: t.nextReminderAt,
});

/** Adds up, student by student, how the plans under the proposed policy differ from those under the current one. */
export class PolicyComparison {
  studentsAffected = 0;
  readonly gaps = { earlier: 0, later: 0, unchanged: 0 };
  readonly reminders = { added: 0, moved: 0, cancelled: 0, unchanged: 0 };
  readonly samples: Sample[] = [];

  constructor(private readonly kind: InteractionKind) {}

  add(facts: StudentFacts, before: StudentPlan, after: StudentPlan): void {
    const ofKind = new Set(facts.interactions.filter((i) => i.kind === this.kind).map((i) => i.id));
    const beforeGaps = new Map(before.gaps.map((gap) => [gap.id, gap]));
    let affected = false;
    for (const gap of after.gaps) {
      const old = beforeGaps.get(gap.id);
      if (!old || !ofKind.has(gap.interactionId)) continue;
      const delta = gap.idealBy - old.idealBy || gap.overdueAt - old.overdueAt;
      const times = { before: gapTimes(old, before), after: gapTimes(gap, after) };
      const moved = delta !== 0 || times.before.nextReminderAt !== times.after.nextReminderAt;
      if (delta < 0) this.gaps.earlier++;
      else if (delta > 0) this.gaps.later++;
      else this.gaps.unchanged++;
      if (moved) affected = true;
      if (moved && this.samples.length < MAX_SAMPLES)
        this.samples.push({ interactionId: gap.interactionId, purpose: gap.purpose, ...times });
    }
    const beforeReminders = new Map(before.reminders.map((r) => [r.id, r]));
    const afterIds = new Set(after.reminders.map((r) => r.id));
    for (const reminder of after.reminders) {
      const old = beforeReminders.get(reminder.id);
      if (!old) this.reminders.added++;
      else if (old.at !== reminder.at || old.status !== reminder.status) this.reminders.moved++;
      else this.reminders.unchanged++;
      if (!old || old.at !== reminder.at) affected = true;
    }
    for (const reminder of before.reminders) {
      if (afterIds.has(reminder.id)) continue;
      this.reminders.cancelled++;
      affected = true;
    }
    if (affected || after.gaps.length !== before.gaps.length) this.studentsAffected++;
  }
}

/** The gap's windows and the first SCHEDULED reminder of it in the plan. */
function gapTimes(gap: PlannedGap, plan: StudentPlan): GapTimes {
  const next = plan.reminders.find(
    (r) => r.status === 'SCHEDULED' && r.items.some((i) => i.gapId === gap.id),
  );
  return {
    idealBy: new Date(gap.idealBy).toISOString(),
    overdueAt: new Date(gap.overdueAt).toISOString(),
    nextReminderAt: next ? new Date(next.at).toISOString() : null,
  };
}
