import type { EntityManager } from 'typeorm';
import { renderDraft } from '../follow-ups/domain/drafts.js';
import { urgencyAt } from '../follow-ups/domain/gaps.js';
import type { InteractionKind } from '../follow-ups/domain/policy.js';

interface ItemRow {
  gap_id: string;
  purpose: 'THANK_YOU' | 'CHECK_IN';
  ideal_by: Date;
  overdue_at: Date;
  interaction_external_id: string;
  kind: InteractionKind;
  occurred_at: Date;
  notes: string | null;
  company_external_id: string;
  company_name: string;
  contacts: { externalId: string; name: string; title: string | null }[];
}

/**
 * The `followup.reminder` event of SPEC 5.3 for one reminder and its open gaps, with a draft per item in the
 * student's locale, rendered now from current names (a renamed company or contact is always right).
 */
export async function buildReminderPayload(
  manager: EntityManager,
  reminderId: string,
  centerId: string,
  now: Date,
): Promise<Record<string, unknown> | null> {
  const [student] = await manager.query<
    { external_id: string; name: string; email: string; locale: 'ja' | 'en'; timezone: string }[]
  >(
    `SELECT s.external_id, s.name, s.email, s.locale, s.timezone FROM reminders r JOIN students s ON s.id = r.student_id
     WHERE r.id = $1 AND s.erased_at IS NULL`,
    [reminderId],
  );
  if (!student) return null;
  const items = await manager.query<ItemRow[]>(
    `SELECT g.id AS gap_id, g.purpose, g.ideal_by, g.overdue_at, i.external_id AS interaction_external_id, i.kind, i.occurred_at, i.notes,
            c.external_id AS company_external_id, c.name AS company_name,
            coalesce((SELECT json_agg(json_build_object('externalId', ct.external_id, 'name', ct.name, 'title', ct.title) ORDER BY m.n)
                      FROM unnest(i.contact_ids) WITH ORDINALITY AS m(id, n) JOIN contacts ct ON ct.id = m.id), '[]') AS contacts
     FROM reminder_items ri JOIN gaps g ON g.id = ri.gap_id JOIN interactions i ON i.id = g.interaction_id JOIN companies c ON c.id = i.company_id
     WHERE ri.reminder_id = $1 AND g.state = 'OPEN' AND i.deleted_at IS NULL
     ORDER BY g.overdue_at, g.id`,
    [reminderId],
  );
  if (items.length === 0) return null;
  return {
    type: 'followup.reminder',
    timestamp: now.toISOString(),
    data: {
      reminderId,
      center: { id: centerId },
      student: {
        externalId: student.external_id,
        name: student.name,
        email: student.email,
        locale: student.locale,
      },
      items: items.map((item) => ({
        gapId: item.gap_id,
        purpose: item.purpose,
        urgency: urgencyAt({ idealBy: item.ideal_by, overdueAt: item.overdue_at }, now),
        idealBy: item.ideal_by.toISOString(),
        overdueAt: item.overdue_at.toISOString(),
        interaction: {
          externalId: item.interaction_external_id,
          kind: item.kind,
          occurredAt: item.occurred_at.toISOString(),
        },
        company: { externalId: item.company_external_id, name: item.company_name },
        contacts: item.contacts,
        draft: renderDraft({
          locale: student.locale,
          purpose: item.purpose,
          kind: item.kind,
          studentName: student.name,
          companyName: item.company_name,
          contacts: item.contacts,
          occurredAt: item.occurred_at,
          timezone: student.timezone,
          notes: item.notes,
        }),
      })),
    },
  };
}
