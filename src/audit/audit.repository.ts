import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface AuditEntry {
  id: string;
  actor: string;
  role: string;
  studentExternalId: string | null;
  operation: string;
  requestId: string | null;
  at: Date;
}

/** Who read, and how: everything an audit row holds besides the center and the student. */
export interface AuditRead {
  actor: string;
  role: string;
  operation: string;
  requestId: string | null;
}

/** The audit_log table (append-only: a trigger refuses UPDATE, DELETE and TRUNCATE). */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One row per student of the center named by external id (unknown ones get none), in one statement. */
  async insertByExternalId(centerId: string, read: AuditRead, studentExternalIds: string[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO audit_log (center_id, actor, role, student_id, operation, request_id)
       SELECT $1, $2, $3, s.id, $4, $5 FROM students s WHERE s.center_id = $1 AND s.external_id = ANY($6::text[])`,
      [centerId, read.actor, read.role, read.operation, read.requestId, studentExternalIds],
    );
  }

  /** One row per student id, in one statement. */
  async insertById(centerId: string, read: AuditRead, studentIds: string[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO audit_log (center_id, actor, role, student_id, operation, request_id)
       SELECT $1, $2, $3, id, $4, $5 FROM unnest($6::uuid[]) AS id`,
      [centerId, read.actor, read.role, read.operation, read.requestId, studentIds],
    );
  }

  /**
   * The center's rows newest first: at most `limit`, with ids below `before` (when given), of one student
   * named by external id (when given).
   */
  page(
    centerId: string,
    options: { limit: number; before: string | null; studentExternalId: string | null },
  ): Promise<AuditEntry[]> {
    return this.dataSource.query<AuditEntry[]>(
      `SELECT a.id::text AS id, a.actor, a.role, s.external_id AS "studentExternalId", a.operation,
              a.request_id AS "requestId", a.at
       FROM audit_log a LEFT JOIN students s ON s.id = a.student_id
       WHERE a.center_id = $1 AND ($2::bigint IS NULL OR a.id < $2::bigint)
         AND ($3::text IS NULL OR a.student_id = (SELECT id FROM students WHERE center_id = $1 AND external_id = $3))
       ORDER BY a.id DESC LIMIT $4`,
      [centerId, options.before, options.studentExternalId, options.limit],
    );
  }
}
