import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ValidationFailedError } from '../common/app-error.js';

/** Who read a student's record: an API key of the portal, or an advisor or director through GraphQL. */
export interface AuditActor {
  centerId: string;
  /** `api-key:<id>` or `advisor:<externalId>`: never a name, e-mail or other personal value. */
  actor: string;
  role: 'portal' | 'advisor' | 'director';
  requestId: string | null;
}

export interface AuditEntry {
  id: string;
  actor: string;
  role: string;
  studentExternalId: string | null;
  operation: string;
  requestId: string | null;
  at: Date;
}

/**
 * The append-only record of reads of student records (a trigger refuses UPDATE, DELETE and TRUNCATE). Rows
 * hold ids only; an erased student's rows keep their (now unresolvable) id.
 */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One row per student read, in one statement; students are named by externalId within the center. */
  async recordReads(
    actor: AuditActor,
    operation: string,
    studentExternalIds: readonly string[],
  ): Promise<void> {
    if (studentExternalIds.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO audit_log (center_id, actor, role, student_id, operation, request_id)
       SELECT $1, $2, $3, s.id, $4, $5 FROM students s WHERE s.center_id = $1 AND s.external_id = ANY($6::text[])`,
      [actor.centerId, actor.actor, actor.role, operation, actor.requestId, [...new Set(studentExternalIds)]],
    );
  }

  /** The same, for students named by row id (the GraphQL side has them at hand). */
  async recordReadsById(actor: AuditActor, operation: string, studentIds: readonly string[]): Promise<void> {
    if (studentIds.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO audit_log (center_id, actor, role, student_id, operation, request_id)
       SELECT $1, $2, $3, id, $4, $5 FROM unnest($6::uuid[]) AS id`,
      [actor.centerId, actor.actor, actor.role, operation, actor.requestId, [...new Set(studentIds)]],
    );
  }

  /** The center's audit rows, newest first, in keyset pages by id (`after`: the last id seen). */
  async page(
    centerId: string,
    options: { first: number; after: string | null; studentExternalId: string | null },
  ): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
    const { first, after, studentExternalId } = options;
    if (!Number.isInteger(first) || first < 1 || first > 100)
      throw new ValidationFailedError([{ path: 'first', message: 'must be between 1 and 100' }]);
    if (after != null && !/^[1-9][0-9]{0,17}$/.test(after))
      throw new ValidationFailedError([{ path: 'after', message: 'is not a cursor this API returned' }]);
    const rows = await this.dataSource.query<AuditEntry[]>(
      `SELECT a.id::text AS id, a.actor, a.role, s.external_id AS "studentExternalId", a.operation,
              a.request_id AS "requestId", a.at
       FROM audit_log a LEFT JOIN students s ON s.id = a.student_id
       WHERE a.center_id = $1 AND ($2::bigint IS NULL OR a.id < $2::bigint)
         AND ($3::text IS NULL OR a.student_id = (SELECT id FROM students WHERE center_id = $1 AND external_id = $3))
       ORDER BY a.id DESC LIMIT $4`,
      [centerId, after ?? null, studentExternalId ?? null, first + 1],
    );
    const entries = rows.slice(0, first);
    return { entries, nextCursor: rows.length > first ? entries.at(-1)!.id : null };
  }
}
