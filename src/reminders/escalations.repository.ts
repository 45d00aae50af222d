import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isoUtc } from '../database/sql.js';

export interface DueAdvisor {
  id: string;
  center_id: string;
  external_id: string;
  name: string;
  email: string;
  local_date: string;
  previous_cutoff: Date | null;
}

/**
 * Escalation digests (SPEC rule 9): which advisors are due one, what goes in it, and the (advisor, local day)
 * row that makes it one. Worker-side: the due scan spans every center on purpose (one worker serves them
 * all); the rest goes by advisor id, which is unique across centers.
 */
@Injectable()
export class EscalationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Up to 1000 advisors whose local time is past `localTime` at `now` and who have no digest for their local
   * day yet, each with that day and the cutoff of their previous digest.
   */
  dueAdvisors(now: Date, localTime: string): Promise<DueAdvisor[]> {
    return this.dataSource.query<DueAdvisor[]>(
      `SELECT a.id, a.center_id, a.external_id, a.name, a.email, (($1::timestamptz AT TIME ZONE a.timezone)::date)::text AS local_date,
              (SELECT max(d.covers_until) FROM escalation_digests d WHERE d.advisor_id = a.id) AS previous_cutoff
       FROM advisors a
       WHERE ($1::timestamptz AT TIME ZONE a.timezone)::time >= $2::time
         AND NOT EXISTS (SELECT 1 FROM escalation_digests d WHERE d.advisor_id = a.id AND d.local_date = ($1::timestamptz AT TIME ZONE a.timezone)::date)
       LIMIT 1000`,
      [now, localTime],
    );
  }

  /** Share locks on the advisor's students not erased, in id order, until commit. */
  async lockStudentsOf(manager: EntityManager, advisorId: string): Promise<void> {
    await manager.query(
      `SELECT 1 FROM students WHERE advisor_id = $1 AND erased_at IS NULL ORDER BY id FOR SHARE`,
      [advisorId],
    );
  }

  /**
   * The digest entry (JSON) of each of the advisor's students with gaps still open that became OVERDUE by
   * `now` and after `since` (the previous digest's cutoff; null: ever), those gaps listed; earliest first.
   */
  async newlyOverdueStudents(
    manager: EntityManager,
    advisorId: string,
    now: Date,
    since: Date | null,
  ): Promise<Record<string, unknown>[]> {
    const rows = await manager.query<{ student: Record<string, unknown> }[]>(
      `SELECT json_build_object('externalId', s.external_id, 'name', s.name, 'email', s.email,
                'gaps', json_agg(json_build_object('gapId', g.id, 'purpose', g.purpose, 'urgency', 'OVERDUE', 'idealBy', ${isoUtc('g.ideal_by')},
                  'overdueAt', ${isoUtc('g.overdue_at')}, 'interaction', json_build_object('externalId', i.external_id, 'kind', i.kind, 'occurredAt', ${isoUtc('i.occurred_at')}),
                  'company', json_build_object('externalId', c.external_id, 'name', c.name)) ORDER BY g.overdue_at, g.id)) AS student
       FROM gaps g JOIN students s ON s.id = g.student_id JOIN interactions i ON i.id = g.interaction_id JOIN companies c ON c.id = i.company_id
       WHERE s.advisor_id = $1 AND s.erased_at IS NULL AND g.state = 'OPEN' AND i.deleted_at IS NULL
         AND g.overdue_at <= $2 AND ($3::timestamptz IS NULL OR g.overdue_at > $3)
       GROUP BY s.id ORDER BY min(g.overdue_at), s.id`,
      [advisorId, now, since],
    );
    return rows.map((row) => row.student);
  }

  /** Inserts the (advisor, local day) digest row; false if another worker already has it. */
  async claimDigest(
    manager: EntityManager,
    advisor: DueAdvisor,
    coversUntil: Date,
    students: number,
  ): Promise<boolean> {
    const claimed = await manager.query<unknown[]>(
      `INSERT INTO escalation_digests (advisor_id, local_date, center_id, covers_until, students) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (advisor_id, local_date) DO NOTHING RETURNING advisor_id`,
      [advisor.id, advisor.local_date, advisor.center_id, coversUntil, students],
    );
    return claimed.length > 0;
  }
}
