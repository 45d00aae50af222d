import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { NotFoundError } from '../common/app-error.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { decodeInstantIdCursor, DEFAULT_PAGE_SIZE, toPage, type Page } from '../common/pagination.js';
import { isoUtc } from '../database/sql.js';
import { urgencyAt } from './domain/gaps.js';
import type { GapResource, ReminderQuery, ReminderResource } from './read.dto.js';

/**
 * A reminder `r` as both APIs show it: schedule, outcome, why, and its items (gap, purpose, nudge number,
 * interaction).
 */
export const REMINDER_COLUMNS = `
  r.id, r.status, r.scheduled_at AS "scheduledAt", r.sent_at AS "sentAt", r.cancel_reason AS "cancelReason", r.why,
  coalesce((SELECT json_agg(json_build_object('gapId', ri.gap_id, 'purpose', g.purpose, 'nudge', ri.nudge,
                                              'interactionExternalId', i.external_id) ORDER BY ri.gap_id)
            FROM reminder_items ri JOIN gaps g ON g.id = ri.gap_id JOIN interactions i ON i.id = g.interaction_id
            WHERE ri.reminder_id = r.id), '[]') AS items`;

/** What the portal reads back: a student's gaps (urgency at request time) and reminders with their why. */
@Injectable()
export class FollowUpsReadService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async gapsOf(centerId: string, studentExternalId: string): Promise<GapResource[]> {
    const now = this.clock.now();
    const [student] = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM students WHERE center_id = $1 AND external_id = $2`,
      [centerId, studentExternalId],
    );
    if (!student) throw new NotFoundError(`No student ${studentExternalId} in this center.`);
    const rows = await this.dataSource.query<
      (Omit<GapResource, 'urgency' | 'remindersSent'> & { remindersSent: string })[]
    >(
      `SELECT g.id, g.purpose, g.state, g.ideal_by AS "idealBy", g.overdue_at AS "overdueAt",
              json_build_object('externalId', i.external_id, 'kind', i.kind, 'occurredAt', ${isoUtc('i.occurred_at')}) AS interaction,
              count(r.id) FILTER (WHERE r.status = 'SENT') AS "remindersSent",
              max(r.sent_at) FILTER (WHERE r.status = 'SENT') AS "lastRemindedAt",
              min(r.scheduled_at) FILTER (WHERE r.status = 'SCHEDULED') AS "nextReminderAt"
       FROM gaps g
       JOIN interactions i ON i.id = g.interaction_id AND i.deleted_at IS NULL
       LEFT JOIN reminder_items ri ON ri.gap_id = g.id
       LEFT JOIN reminders r ON r.id = ri.reminder_id
       WHERE g.student_id = $1 AND g.opens_at <= $2
       GROUP BY g.id, i.id
       ORDER BY g.overdue_at, g.id`,
      [student.id, now],
    );
    return rows.map((row) => ({
      ...row,
      remindersSent: Number(row.remindersSent),
      urgency: row.state === 'OPEN' ? urgencyAt(row, now) : null,
    }));
  }

  /** Reminders by scheduled time (then id), filtered by student and status, as keyset pages. */
  async reminders(centerId: string, query: ReminderQuery): Promise<Page<ReminderResource>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeInstantIdCursor(query.cursor);
    const rows = await this.dataSource.query<(ReminderResource & { externalId: string })[]>(
      `SELECT ${REMINDER_COLUMNS}, s.external_id AS "studentExternalId",
              to_char(r.scheduled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '|' || r.id AS "externalId"
       FROM reminders r JOIN students s ON s.id = r.student_id
       WHERE r.center_id = $1
         AND ($2::text IS NULL OR s.external_id = $2)
         AND ($3::text IS NULL OR r.status = $3)
         AND ($4::timestamp IS NULL OR (r.scheduled_at AT TIME ZONE 'UTC', r.id) > ($4::timestamp, $5::uuid))
       ORDER BY r.scheduled_at, r.id
       LIMIT $6`,
      [centerId, query.studentExternalId ?? null, query.status ?? null, after.at, after.id, limit + 1],
    );
    const page = toPage(rows, limit, (row) => row.externalId);
    return {
      items: page.items.map(({ externalId: _key, ...reminder }) => reminder),
      nextCursor: page.nextCursor,
    };
  }
}
