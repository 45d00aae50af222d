import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CenterResourceRepository } from '../common/resource-repository.js';
import type { StudentBulkItem, StudentResource } from './student.dto.js';

export interface UpsertedStudent {
  id: string;
  external_id: string;
  inserted: boolean;
  /** The follow-up rules depend on these; a change to any of them recomputes the student's gaps. */
  schedule_changed: boolean;
}

/**
 * The students table, and the erasure of what identifies a student across their records. get and list come
 * from CenterResourceRepository (erased students have no external id and are not found).
 */
@Injectable()
export class StudentsRepository extends CenterResourceRepository<StudentResource> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, {
      noun: 'student',
      select: `
  SELECT s.external_id AS "externalId", s.name, s.name_latin AS "nameLatin", s.email, s.locale, s.timezone, a.external_id AS "advisorExternalId",
         s.graduation_year AS "graduationYear", s.notifications_enabled AS "notificationsEnabled",
         s.created_at AS "createdAt", s.updated_at AS "updatedAt"
  FROM students s LEFT JOIN advisors a ON a.id = s.advisor_id
  WHERE s.center_id = $1 AND s.external_id IS NOT NULL`,
      key: 's.external_id',
    });
  }

  /**
   * One statement for the batch (`items` sorted by externalId: lock order; `advisorIds`: each item's
   * advisorExternalId → row id), in the caller's transaction. Created or changed rows come back, with
   * whether what the schedule depends on changed.
   */
  upsertMany(
    manager: EntityManager,
    centerId: string,
    items: StudentBulkItem[],
    advisorIds: ReadonlyMap<string, string>,
  ): Promise<UpsertedStudent[]> {
    return manager.query<UpsertedStudent[]>(
      `WITH input AS (
         SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::smallint[], $9::boolean[], $10::text[])
           AS i(external_id, name, email, locale, timezone, advisor_id, graduation_year, notifications_enabled, name_latin)
       ), previous AS (
         SELECT s.id, s.timezone, s.advisor_id, s.notifications_enabled FROM students s
         WHERE s.center_id = $1 AND s.external_id IN (SELECT external_id FROM input)
       ), upserted AS (
         INSERT INTO students AS s (center_id, external_id, name, email, locale, timezone, advisor_id, graduation_year, notifications_enabled, name_latin)
         SELECT $1, * FROM input
         ON CONFLICT (center_id, external_id) DO UPDATE
           SET name = EXCLUDED.name, email = EXCLUDED.email, locale = EXCLUDED.locale, timezone = EXCLUDED.timezone,
               advisor_id = EXCLUDED.advisor_id, graduation_year = EXCLUDED.graduation_year,
               notifications_enabled = EXCLUDED.notifications_enabled, name_latin = EXCLUDED.name_latin, updated_at = now()
           WHERE (s.name, s.email, s.locale, s.timezone, s.advisor_id, s.graduation_year, s.notifications_enabled, s.name_latin)
             IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.email, EXCLUDED.locale, EXCLUDED.timezone, EXCLUDED.advisor_id,
                               EXCLUDED.graduation_year, EXCLUDED.notifications_enabled, EXCLUDED.name_latin)
         RETURNING s.id, s.external_id, (s.xmax = 0) AS inserted, s.timezone, s.advisor_id, s.notifications_enabled
       )
       SELECT u.id, u.external_id, u.inserted,
              p.id IS NOT NULL AND (u.timezone, u.advisor_id, u.notifications_enabled)
                IS DISTINCT FROM (p.timezone, p.advisor_id, p.notifications_enabled) AS schedule_changed
       FROM upserted u LEFT JOIN previous p ON p.id = u.id`,
      [
        centerId,
        items.map((i) => i.externalId),
        items.map((i) => i.name),
        items.map((i) => i.email),
        items.map((i) => i.locale),
        items.map((i) => i.timezone),
        items.map((i) => advisorIds.get(i.advisorExternalId)),
        items.map((i) => i.graduationYear ?? null),
        items.map((i) => i.notificationsEnabled ?? true),
        items.map((i) => i.nameLatin ?? null),
      ],
    );
  }

  /** The center's (not erased) student with this external id, locked FOR UPDATE in the caller's transaction. */
  async lockForErasure(
    manager: EntityManager,
    centerId: string,
    externalId: string,
  ): Promise<{ id: string; name: string; nameLatin: string | null; email: string } | undefined> {
    const [student] = await manager.query<
      { id: string; name: string; nameLatin: string | null; email: string }[]
    >(
      `SELECT id, name, name_latin AS "nameLatin", email FROM students
       WHERE center_id = $1 AND external_id = $2 FOR UPDATE`,
      [centerId, externalId],
    );
    return student;
  }

  /** Every external id and note of the student's interactions and follow-ups (what copies may hold). */
  async identifyingValues(manager: EntityManager, centerId: string, studentId: string): Promise<string[]> {
    const [{ values }] = await manager.query<{ values: string[] }[]>(
      `SELECT coalesce(array_agg(v) FILTER (WHERE v IS NOT NULL), '{}') AS values FROM (
         SELECT unnest(ARRAY[i.external_id, i.notes, f.external_id, f.note]) AS v
         FROM interactions i LEFT JOIN follow_ups f ON f.interaction_id = i.id
         WHERE i.center_id = $1 AND i.student_id = $2) x`,
      [centerId, studentId],
    );
    return values;
  }

  /**
   * Wipes what identifies the student, in the caller's transaction: their name (and `name_latin`), e-mail and
   * external id; the external ids and notes of their interactions and follow-ups (tombstoned); an advisor's
   * dismissal reasons, free text that may name them (that a gap was dismissed stays).
   */
  async anonymise(manager: EntityManager, centerId: string, studentId: string): Promise<void> {
    await manager.query(
      `UPDATE students SET external_id = NULL, name = NULL, name_latin = NULL, email = NULL, erased_at = now(), updated_at = now()
       WHERE center_id = $1 AND id = $2`,
      [centerId, studentId],
    );
    await manager.query(
      `UPDATE follow_ups f SET external_id = NULL, note = NULL, deleted_at = coalesce(f.deleted_at, now()), updated_at = now()
       FROM interactions i WHERE f.interaction_id = i.id AND i.center_id = $1 AND i.student_id = $2`,
      [centerId, studentId],
    );
    await manager.query(
      `UPDATE interactions SET external_id = NULL, notes = NULL, deleted_at = coalesce(deleted_at, now()), updated_at = now()
       WHERE center_id = $1 AND student_id = $2`,
      [centerId, studentId],
    );
    await manager.query(
      `UPDATE gaps SET state_reason = 'dismissed by an advisor (reason removed: the student was erased)', updated_at = now()
       WHERE center_id = $1 AND student_id = $2 AND state = 'DISMISSED'`,
      [centerId, studentId],
    );
  }
}
