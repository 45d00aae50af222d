import { ApiProperty } from '@nestjs/swagger';
import type { InteractionFacts, StudentFacts } from '../follow-ups/domain/facts.js';
import { renderDraft } from '../follow-ups/domain/drafts.js';
import { urgencyAt } from '../follow-ups/domain/gaps.js';
import type { StudentPlan } from '../follow-ups/domain/plan.js';
import {
  GAP_PURPOSES,
  GAP_STATES,
  GAP_URGENCIES,
  PLANNED_REMINDER_STATUSES,
  type GapPurpose,
  type GapState,
  type GapUrgency,
  type PlannedReminderStatus,
} from '../follow-ups/domain/vocabulary.js';
import type { InteractionBulkItem } from './interaction.dto.js';
import type { DraftSubjects } from './interaction-preview.repository.js';

export class PreviewGap {
  @ApiProperty({ enum: GAP_PURPOSES }) purpose!: GapPurpose;
  @ApiProperty({ description: '1 for thank-yous; 1 or 2 for check-ins' }) sequence!: number;
  @ApiProperty({ enum: GAP_STATES }) state!: GapState;
  @ApiProperty({ description: 'GET /v1/students/{id}/gaps lists a gap from this instant on' })
  opensAt!: string;
  @ApiProperty() idealBy!: string;
  @ApiProperty() overdueAt!: string;
  @ApiProperty({
    enum: GAP_URGENCIES,
    nullable: true,
    type: String,
    description: 'Now; null unless OPEN',
  })
  urgency!: GapUrgency | null;
}

export class PreviewReminderItem {
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: "null for the previewed interaction's gaps while it is not stored (its id is not known yet)",
  })
  gapId!: string | null;
  @ApiProperty({ enum: GAP_PURPOSES }) purpose!: GapPurpose;
  @ApiProperty() nudge!: number;
  @ApiProperty() interactionExternalId!: string;
}

export class PreviewReminder {
  @ApiProperty() at!: string;
  @ApiProperty({ enum: PLANNED_REMINDER_STATUSES }) status!: PlannedReminderStatus;
  @ApiProperty({ type: [PreviewReminderItem] }) items!: PreviewReminderItem[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'As GET /v1/reminders shows it' })
  why!: Record<string, unknown>;
}

export class PreviewDraft {
  @ApiProperty({ enum: ['ja', 'en'] }) locale!: string;
  @ApiProperty({ enum: GAP_PURPOSES }) purpose!: GapPurpose;
  @ApiProperty() subject!: string;
  @ApiProperty() text!: string;
}

export class InteractionPreview {
  @ApiProperty({ type: [PreviewGap], description: "This interaction's gaps as storing it would derive them" })
  gaps!: PreviewGap[];
  @ApiProperty({
    type: [PreviewReminder],
    description: "The student's pending reminders as they would be planned (coalescing and spacing included)",
  })
  reminders!: PreviewReminder[];
  @ApiProperty({ type: PreviewDraft, description: 'The draft for this interaction, available at once' })
  draft!: PreviewDraft;
}

/**
 * Puts the previewed interaction into the student's facts as storing it would: in place of the stored one with
 * the same id, or added; taken out of the student it moves away from, its follow-ups moving with it.
 */
export function withInteraction(
  facts: Map<string, StudentFacts>,
  studentId: string,
  interaction: InteractionFacts,
): void {
  for (const [id, student] of facts) {
    if (id === studentId) continue;
    const before = student.interactions.length;
    student.interactions = student.interactions.filter((i) => i.id !== interaction.id);
    if (student.interactions.length === before) continue;
    const moved = student.followUps.filter((f) => f.interactionId === interaction.id);
    student.followUps = student.followUps.filter((f) => f.interactionId !== interaction.id);
    facts.get(studentId)?.followUps.push(...moved);
  }
  const student = facts.get(studentId);
  if (!student) return; // erased: the write would plan nothing for it either
  const others = student.interactions.filter((i) => i.id !== interaction.id);
  // In the order the facts load in (occurredAt, then id).
  const at = others.findIndex(
    (i) =>
      i.occurredAt.getTime() > interaction.occurredAt.getTime() ||
      (i.occurredAt.getTime() === interaction.occurredAt.getTime() && i.id > interaction.id),
  );
  others.splice(at < 0 ? others.length : at, 0, interaction);
  student.interactions = others;
}

/** The facts the rules see for a stored interaction with this body (defaults as the upsert applies them). */
export function interactionFacts(id: string, item: InteractionBulkItem): InteractionFacts {
  return {
    id,
    kind: item.kind,
    occurredAt: new Date(item.occurredAt),
    endedAt: item.endedAt ? new Date(item.endedAt) : null,
    outcome: item.outcome ?? 'PENDING',
    resultExpectedBy: item.resultExpectedBy ?? null,
  };
}

export interface PreviewContext {
  now: Date;
  plan: StudentPlan | undefined;
  item: InteractionBulkItem;
  /** The previewed interaction's id in the facts: its stored id, or a stand-in while it is not stored. */
  interactionId: string;
  stored: boolean;
  /** The student's stored interactions' external ids by id. */
  externalIds: ReadonlyMap<string, string>;
  subjects: DraftSubjects;
}

/** The plan, seen from the previewed interaction: its gaps, the student's reminders, and its draft. */
export function interactionPreview(context: PreviewContext): InteractionPreview {
  const { now, plan, item, interactionId, stored } = context;
  const ownGaps = (plan?.gaps ?? []).filter((gap) => gap.interactionId === interactionId);
  const gapId = (id: string, ofInteraction: string) =>
    ofInteraction === interactionId && !stored ? null : id;
  const externalId = (id: string) => (id === interactionId ? item.externalId : context.externalIds.get(id)!);
  const gapsOfPreview = new Set(ownGaps.map((gap) => gap.id));
  return {
    gaps: ownGaps.map((gap) => {
      const times = { idealBy: new Date(gap.idealBy), overdueAt: new Date(gap.overdueAt) };
      return {
        purpose: gap.purpose,
        sequence: gap.sequence,
        state: gap.state,
        opensAt: new Date(gap.opensAt).toISOString(),
        idealBy: times.idealBy.toISOString(),
        overdueAt: times.overdueAt.toISOString(),
        urgency: gap.state === 'OPEN' ? urgencyAt(times, now) : null,
      };
    }),
    reminders: (plan?.reminders ?? []).map((reminder) => {
      // Stored as JSON: undefined fields drop out, as GET /v1/reminders shows it.
      const why = JSON.parse(JSON.stringify(reminder.why)) as { items: { gapId: string | null }[] };
      for (const whyItem of why.items) if (gapsOfPreview.has(whyItem.gapId!) && !stored) whyItem.gapId = null;
      return {
        at: new Date(reminder.at).toISOString(),
        status: reminder.status,
        items: reminder.items.map((i) => ({
          gapId: gapId(i.gapId, i.interactionId),
          purpose: i.purpose,
          nudge: i.nudge,
          interactionExternalId: externalId(i.interactionId),
        })),
        why: why,
      };
    }),
    draft: draftFor(context, ownGaps),
  };
}

/**
 * The thank-you, or the check-in when the thank-you is no longer open and a check-in is: rendered as the
 * reminder payload renders it, from the names stored now.
 */
function draftFor(context: PreviewContext, gaps: StudentPlan['gaps']): PreviewDraft {
  const open = gaps.filter((gap) => gap.state === 'OPEN');
  const purpose =
    !open.some((gap) => gap.purpose === 'THANK_YOU') && open.some((gap) => gap.purpose === 'CHECK_IN')
      ? 'CHECK_IN'
      : 'THANK_YOU';
  const { student, companyName, contacts } = context.subjects;
  const draft = renderDraft({
    locale: student.locale,
    purpose,
    kind: context.item.kind,
    studentName: student.name,
    studentNameLatin: student.nameLatin,
    companyName,
    contacts,
    occurredAt: new Date(context.item.occurredAt),
    timezone: student.timezone,
    notes: context.item.notes ?? null,
  });
  return { locale: student.locale, purpose, subject: draft.subject, text: draft.text };
}
