import { renderDraft } from '../follow-ups/domain/drafts.js';
import { urgencyAt } from '../follow-ups/domain/gaps.js';
import type { DueReminder } from './due-reminders.repository.js';

/**
 * The `followup.reminder` event of SPEC 5.3 for a claimed reminder and its open gaps, with a draft per item in
 * the student's locale, rendered now from current names (a renamed company or contact is always right). Null
 * when nothing is left to remind of (gaps closed, student erased).
 */
export function reminderPayload(reminder: DueReminder, now: Date): Record<string, unknown> | null {
  const { student, items } = reminder;
  if (!student || items.length === 0) return null;
  return inJsonbKeyOrder({
    type: 'followup.reminder',
    timestamp: now.toISOString(),
    data: {
      reminderId: reminder.id,
      center: { id: reminder.centerId },
      student: {
        externalId: student.externalId,
        name: student.name,
        email: student.email,
        locale: student.locale,
      },
      items: items.map((item) => ({
        gapId: item.gapId,
        purpose: item.purpose,
        urgency: urgencyAt(item, now),
        idealBy: item.idealBy.toISOString(),
        overdueAt: item.overdueAt.toISOString(),
        interaction: {
          externalId: item.interactionExternalId,
          kind: item.kind,
          occurredAt: item.occurredAt.toISOString(),
        },
        company: { externalId: item.companyExternalId, name: item.companyName },
        contacts: item.contacts.map(({ externalId, name, title }) => ({ externalId, name, title })),
        draft: renderDraft({
          locale: student.locale,
          purpose: item.purpose,
          kind: item.kind,
          studentName: student.name,
          studentNameLatin: student.nameLatin,
          companyName: item.companyName,
          contacts: item.contacts,
          occurredAt: item.occurredAt,
          timezone: student.timezone,
          notes: item.notes,
        }),
      })),
    },
  }) as Record<string, unknown>;
}

/**
 * Keys in the order PostgreSQL's jsonb keeps them (shorter first, then bytewise), so the body of the first
 * attempt, sent straight from this object, is byte for byte the body of every retry and redelivery, which
 * re-serialise the stored jsonb.
 */
export function inJsonbKeyOrder(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(inJsonbKeyOrder);
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(byJsonbKeyOrder))
    ordered[key] = inJsonbKeyOrder((value as Record<string, unknown>)[key]);
  return ordered;
}

/** Our keys are ASCII, so string length and comparison are jsonb's byte length and byte order. */
const byJsonbKeyOrder = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
