import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { InteractionKind } from '../follow-ups/domain/policy.js';

/** The reminder's center has an enabled endpoint subscribed to reminders (SQL condition on `r`). */
export const SUBSCRIBED_ENDPOINT = `SELECT 1 FROM webhook_endpoints e
  WHERE e.center_id = r.center_id AND 'followup.reminder' = ANY(e.event_types) AND e.disabled_at IS NULL`;

export interface DueItem {
  gapId: string;
  purpose: 'THANK_YOU' | 'CHECK_IN';
  idealBy: Date;
  overdueAt: Date;
  interactionExternalId: string;
  kind: InteractionKind;
  occurredAt: Date;
  notes: string | null;
  companyExternalId: string;
  companyName: string;
  /** `nameLatin` is for the English draft only; the payload's contacts carry externalId, name and title. */
  contacts: { externalId: string; name: string; nameLatin: string | null; title: string | null }[];
}

export interface DueReminder {
  id: string;
  centerId: string;
  scheduledAt: Date;
  /** Null when the student was erased. */
  student: {
    externalId: string;
    name: string;
    /** For the English draft only. */
    nameLatin: string | null;
    email: string;
    locale: 'ja' | 'en';
    timezone: string;
  } | null;
  /** Only the gaps still open now, most urgent first; none means nothing is left to remind of. */
  items: DueItem[];
}

interface Row {
  id: string;
  center_id: string;
  scheduled_at: Date;
  student_external_id: string | null;
  student_name: string;
  student_name_latin: string | null;
  student_email: string;
  locale: 'ja' | 'en';
  timezone: string;
  gap_id: string | null;
  purpose: DueItem['purpose'];
  ideal_by: Date;
  overdue_at: Date;
  interaction_external_id: string;
  kind: InteractionKind;
  occurred_at: Date;
  notes: string | null;
  company_external_id: string;
  company_name: string;
  contacts: DueItem['contacts'];
}

/** A due reminder: SCHEDULED, not claimed, scheduled by `$1`, with somewhere to go (SQL condition on `r`). */
const DUE = `r.status = 'SCHEDULED' AND r.dispatched_at IS NULL AND r.scheduled_at <= $1 AND EXISTS (${SUBSCRIBED_ENDPOINT})`;

/**
 * Reminders from due to claimed to done, as the worker sees them. Its statements span every center on
 * purpose: the dispatcher and the sweep serve all centers from one queue, and each row carries its center.
 */
@Injectable()
export class DueRemindersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Claims up to `limit` due reminders with one conditional update (`dispatched_at` set, so no other worker or
   * duplicate job claims them again) and reads, in the same statement, their students and the gaps still open
   * now. `skipLocked` passes over rows other transactions hold (other workers' claims, a recompute writing the
   * student) so concurrent claimers never wait on each other; without it the claim waits for them, which is
   * how a drain makes sure it left nothing behind.
   */
  async claim(manager: EntityManager, now: Date, limit: number, skipLocked: boolean): Promise<DueReminder[]> {
    const rows = await manager.query<Row[]>(
      `WITH claimed AS (
         UPDATE reminders SET dispatched_at = $1, updated_at = now()
         WHERE id IN (
           SELECT r.id FROM reminders r
           WHERE ${DUE}
           ORDER BY r.scheduled_at LIMIT $2 FOR UPDATE ${skipLocked ? 'SKIP LOCKED' : ''})
         RETURNING id, center_id, student_id, scheduled_at
       )
       SELECT c.id, c.center_id, c.scheduled_at, s.external_id AS student_external_id, s.name AS student_name,
              s.name_latin AS student_name_latin, s.email AS student_email, s.locale, s.timezone, it.*
       FROM claimed c
       LEFT JOIN students s ON s.id = c.student_id AND s.erased_at IS NULL
       LEFT JOIN LATERAL (
         SELECT g.id AS gap_id, g.purpose, g.ideal_by, g.overdue_at, i.external_id AS interaction_external_id, i.kind,
                i.occurred_at, i.notes, co.external_id AS company_external_id, co.name AS company_name,
                coalesce((SELECT json_agg(json_build_object('externalId', ct.external_id, 'name', ct.name, 'nameLatin', ct.name_latin, 'title', ct.title) ORDER BY m.n)
                          FROM unnest(i.contact_ids) WITH ORDINALITY AS m(id, n) JOIN contacts ct ON ct.id = m.id), '[]') AS contacts
         FROM reminder_items ri JOIN gaps g ON g.id = ri.gap_id JOIN interactions i ON i.id = g.interaction_id
           JOIN companies co ON co.id = i.company_id
         WHERE ri.reminder_id = c.id AND g.state = 'OPEN' AND i.deleted_at IS NULL
       ) it ON s.id IS NOT NULL
       ORDER BY c.scheduled_at, c.id, it.overdue_at, it.gap_id`,
      [now, limit],
    );
    return toDueReminders(rows);
  }

  /** For the rest of the transaction, a statement waits at most `ms` for a lock (then fails with 55P03). */
  async waitForLocksAtMost(manager: EntityManager, ms: number): Promise<void> {
    await manager.query(`SET LOCAL lock_timeout = ${ms}`);
  }

  /** The reminders end in `status` (CANCELLED, FAILED) for `reason`. */
  async finish(manager: EntityManager, ids: string[], status: string, reason: string): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      `UPDATE reminders SET status = $2, cancel_reason = $3, updated_at = now() WHERE id = ANY($1::uuid[])`,
      [ids, status, reason],
    );
  }

  /** How many reminders are due at `now`, counting up to `limit`. */
  async countDue(now: Date, limit: number): Promise<number> {
    const [{ reminders }] = await this.dataSource.query<{ reminders: number }[]>(
      `SELECT count(*)::int AS reminders FROM (SELECT 1 FROM reminders r WHERE ${DUE} LIMIT $2) due`,
      [now, limit],
    );
    return reminders;
  }
}

/** One row per open gap (or one without when none is left), grouped back into reminders in row order. */
function toDueReminders(rows: Row[]): DueReminder[] {
  const reminders: DueReminder[] = [];
  for (const row of rows) {
    let reminder = reminders.at(-1);
    if (reminder?.id !== row.id) {
      reminder = {
        id: row.id,
        centerId: row.center_id,
        scheduledAt: row.scheduled_at,
        student:
          row.student_external_id === null
            ? null
            : {
                externalId: row.student_external_id,
                name: row.student_name,
                nameLatin: row.student_name_latin,
                email: row.student_email,
                locale: row.locale,
                timezone: row.timezone,
              },
        items: [],
      };
      reminders.push(reminder);
    }
    if (row.gap_id === null) continue;
    reminder.items.push({
      gapId: row.gap_id,
      purpose: row.purpose,
      idealBy: row.ideal_by,
      overdueAt: row.overdue_at,
      interactionExternalId: row.interaction_external_id,
      kind: row.kind,
      occurredAt: row.occurred_at,
      notes: row.notes,
      companyExternalId: row.company_external_id,
      companyName: row.company_name,
      contacts: row.contacts,
    });
  }
  return reminders;
}
