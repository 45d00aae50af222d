import { renderDraft } from '../../follow-ups/domain/drafts.js';
import type { Contact } from '../models/directory.model.js';
import type { Draft } from '../models/draft.model.js';
import type { Gap } from '../models/gap.model.js';
import type { Loaders } from './loaders.js';

/**
 * The draft the reminder webhook carries for this gap (reminders/reminder-payload.ts: the same renderDraft and
 * the same inputs), rendered now from the names stored now. Everything comes through the request's batch
 * loaders, so the drafts of a whole page cost a fixed number of statements: the student, interaction and
 * company rows are usually primed by the page already, and the contacts are one statement for all of them.
 * Null when the student or interaction is gone since the gap was read.
 */
export async function gapDraft(loaders: Loaders, gap: Gap): Promise<Draft | null> {
  const [student, interaction] = await Promise.all([
    loaders.student.get(gap.studentId),
    loaders.interaction.get(gap.interactionId),
  ]);
  if (!student || !interaction) return null;
  const [company, contacts] = await Promise.all([
    loaders.company.get(interaction.companyId),
    loaders.contact.getMany(interaction.contactIds),
  ]);
  if (!company) return null;
  const locale = student.locale === 'en' ? 'en' : 'ja';
  const draft = renderDraft({
    locale,
    purpose: gap.purpose,
    kind: interaction.kind,
    studentName: student.name,
    studentNameLatin: student.nameLatin,
    companyName: company.name,
    // In the interaction's order, as the payload lists them (with nameLatin, for English drafts); a contact
    // deleted since is left out, as there.
    contacts: contacts.filter((c): c is Contact => c !== null && !(c instanceof Error)),
    occurredAt: interaction.occurredAt,
    timezone: student.timezone,
    notes: interaction.notes,
  });
  return { locale, subject: draft.subject, text: draft.text };
}
