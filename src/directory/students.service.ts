import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { NotFoundError, UnprocessableError } from '../common/app-error.js';
import { classifyUpserts, type UpsertOutcome } from '../common/bulk.js';
import { selectPage, type ListQuery, type Page } from '../common/pagination.js';
import type { ResourceService } from '../common/resource.controller.js';
import { byKey, resolveExternalIds } from '../database/sql.js';
import { GapsService } from '../follow-ups/gaps.service.js';
import { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import { cancelErasedStudentsReminders, lockPendingReminders } from '../reminders/erasure.js';
import { eraseFromDeliveries } from '../webhooks/delivery-erasure.js';
import type { StudentBulkItem, StudentResource } from './student.dto.js';
import { transactionWithRetry } from '../database/transaction.js';

const SELECT = `
  SELECT s.external_id AS "externalId", s.name, s.email, s.locale, s.timezone, a.external_id AS "advisorExternalId",
         s.graduation_year AS "graduationYear", s.notifications_enabled AS "notificationsEnabled",
         s.created_at AS "createdAt", s.updated_at AS "updatedAt"
  FROM students s LEFT JOIN advisors a ON a.id = s.advisor_id
  WHERE s.center_id = $1 AND s.external_id IS NOT NULL`;

interface UpsertedStudent {
  id: string;
  external_id: string;
  inserted: boolean;
  /** The follow-up rules depend on these; a change to any of them recomputes the student's gaps. */
  schedule_changed: boolean;
}

@Injectable()
export class StudentsService implements ResourceService<StudentBulkItem, StudentResource> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gaps: GapsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  /**
   * Upserts a batch in one transaction: one query resolves the advisors, one statement writes the students,
   * and students whose time zone, advisor or opt-out changed are recomputed before commit.
   */
  async upsertMany(centerId: string, items: StudentBulkItem[]): Promise<UpsertOutcome[]> {
    return transactionWithRetry(this.dataSource, async (manager) => {
      const advisors = await resolveExternalIds(
        manager,
        'advisors',
        centerId,
        items.map((i) => i.advisorExternalId),
      );
      const outcomes = new Map<StudentBulkItem, UpsertOutcome>();
      const writable = items.filter((item) => {
        if (advisors.has(item.advisorExternalId)) return true;
        outcomes.set(item, { status: 'error', error: unknownAdvisor(item.advisorExternalId) });
        return false;
      });
      const sorted = writable.sort(byKey((i) => i.externalId));
      const rows = sorted.length
        ? await manager.query<UpsertedStudent[]>(
            `WITH input AS (
               SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::smallint[], $9::boolean[])
                 AS i(external_id, name, email, locale, timezone, advisor_id, graduation_year, notifications_enabled)
             ), previous AS (
               SELECT s.id, s.timezone, s.advisor_id, s.notifications_enabled FROM students s
               WHERE s.center_id = $1 AND s.external_id IN (SELECT external_id FROM input)
             ), upserted AS (
               INSERT INTO students AS s (center_id, external_id, name, email, locale, timezone, advisor_id, graduation_year, notifications_enabled)
               SELECT $1, * FROM input
               ON CONFLICT (center_id, external_id) DO UPDATE
                 SET name = EXCLUDED.name, email = EXCLUDED.email, locale = EXCLUDED.locale, timezone = EXCLUDED.timezone,
                     advisor_id = EXCLUDED.advisor_id, graduation_year = EXCLUDED.graduation_year,
                     notifications_enabled = EXCLUDED.notifications_enabled, updated_at = now()
                 WHERE (s.name, s.email, s.locale, s.timezone, s.advisor_id, s.graduation_year, s.notifications_enabled)
                   IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.email, EXCLUDED.locale, EXCLUDED.timezone, EXCLUDED.advisor_id,
                                     EXCLUDED.graduation_year, EXCLUDED.notifications_enabled)
               RETURNING s.id, s.external_id, (s.xmax = 0) AS inserted, s.timezone, s.advisor_id, s.notifications_enabled
             )
             SELECT u.id, u.external_id, u.inserted,
                    p.id IS NOT NULL AND (u.timezone, u.advisor_id, u.notifications_enabled)
                      IS DISTINCT FROM (p.timezone, p.advisor_id, p.notifications_enabled) AS schedule_changed
             FROM upserted u LEFT JOIN previous p ON p.id = u.id`,
            [
              centerId,
              sorted.map((i) => i.externalId),
              sorted.map((i) => i.name),
              sorted.map((i) => i.email),
              sorted.map((i) => i.locale),
              sorted.map((i) => i.timezone),
              sorted.map((i) => advisors.get(i.advisorExternalId)),
              sorted.map((i) => i.graduationYear ?? null),
              sorted.map((i) => i.notificationsEnabled ?? true),
            ],
          )
        : [];
      const changed = rows.filter((r) => r.schedule_changed).map((r) => r.id);
      if (changed.length) await this.gaps.recomputeStudents(manager, centerId, changed);
      const statuses = classifyUpserts(
        sorted.map((i) => i.externalId),
        rows,
      );
      sorted.forEach((item, index) => outcomes.set(item, { status: statuses[index] }));
      return items.map((item) => outcomes.get(item)!);
    });
  }

  async get(centerId: string, externalId: string): Promise<StudentResource> {
    const [row] = await this.dataSource.query<StudentResource[]>(`${SELECT} AND s.external_id = $2`, [
      centerId,
      externalId,
    ]);
    if (!row) throw new NotFoundError(`No student ${externalId} in this center.`);
    return row;
  }

  list(centerId: string, query: ListQuery): Promise<Page<StudentResource>> {
    return selectPage(
      (sql, params) => this.dataSource.query<StudentResource[]>(sql, params),
      SELECT,
      [centerId],
      's.external_id',
      query,
    );
  }

  /**
   * Erasure, in one transaction: the student's name, e-mail and external id go, and so does everything
   * identifying in their interactions and follow-ups (external ids, notes) and an advisor's dismissal reasons.
   * What aggregate statistics need stays, anonymised: kinds, times, outcomes, channels, locale, time zone,
   * graduation year, advisor. Their gaps close and reminders are cancelled through the recompute. Copies go too:
   * webhook delivery payloads (reminders, escalation digests) and stored idempotent responses naming them.
   */
  async erase(centerId: string, externalId: string): Promise<void> {
    await transactionWithRetry(this.dataSource, async (manager) => {
      const [student] = await manager.query<{ id: string; name: string; email: string }[]>(
        `SELECT id, name, email FROM students WHERE center_id = $1 AND external_id = $2 FOR UPDATE`,
        [centerId, externalId],
      );
      if (!student) throw new NotFoundError(`No student ${externalId} in this center.`);
      await lockPendingReminders(manager, student.id);
      // What identifies them in copies made earlier, read before it is wiped.
      const [{ values }] = await manager.query<{ values: string[] }[]>(
        `SELECT coalesce(array_agg(v) FILTER (WHERE v IS NOT NULL), '{}') AS values FROM (
           SELECT unnest(ARRAY[i.external_id, i.notes, f.external_id, f.note]) AS v
           FROM interactions i LEFT JOIN follow_ups f ON f.interaction_id = i.id WHERE i.student_id = $1) x`,
        [student.id],
      );
      await manager.query(
        `UPDATE students SET external_id = NULL, name = NULL, email = NULL, erased_at = now(), updated_at = now()
         WHERE id = $1`,
        [student.id],
      );
      await manager.query(
        `UPDATE follow_ups f SET external_id = NULL, note = NULL, deleted_at = coalesce(f.deleted_at, now()), updated_at = now()
         FROM interactions i WHERE f.interaction_id = i.id AND i.student_id = $1`,
        [student.id],
      );
      await manager.query(
        `UPDATE interactions SET external_id = NULL, notes = NULL, deleted_at = coalesce(deleted_at, now()), updated_at = now()
         WHERE student_id = $1`,
        [student.id],
      );
      // An advisor's reason is free text and may name the student; that it was dismissed stays.
      await manager.query(
        `UPDATE gaps SET state_reason = 'dismissed by an advisor (reason removed: the student was erased)', updated_at = now()
         WHERE student_id = $1 AND state = 'DISMISSED'`,
        [student.id],
      );
      await this.gaps.recomputeStudents(manager, centerId, [student.id]);
      await cancelErasedStudentsReminders(manager, student.id);
      await eraseFromDeliveries(manager, centerId, student.id, externalId);
      await this.idempotency.forgetResponsesNaming(manager, centerId, [
        externalId,
        student.name,
        student.email,
        ...values,
      ]);
    });
  }
}

function unknownAdvisor(externalId: string) {
  return new UnprocessableError(`advisorExternalId ${externalId} does not name an advisor in this center.`, [
    { path: 'advisorExternalId', message: 'no advisor with this externalId in this center' },
  ]);
}
