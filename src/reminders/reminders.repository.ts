import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { SUBSCRIBED_ENDPOINT } from './due-reminders.repository.js';

export interface StrandedOutcome {
  sent: number;
  redispatched: number;
  failed: number;
}

/**
 * Reminders after their send: the stranded ones the sweep settles and the spent ones it replans. These
 * worker-side statements span every center on purpose (one sweep serves them all); each row carries its
 * center, which the replan hands on to the recompute.
 */
@Injectable()
export class RemindersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Up to `limit` reminders the dispatcher claimed (dispatched_at set) that nothing will ever finish: no
   * delivery of theirs is PENDING any more. Each is decided from what is left: every delivery succeeded →
   * SENT; one failed → FAILED; none left → claimed afresh (dispatched_at cleared) if an enabled endpoint is
   * subscribed now, else FAILED with `noEndpointReason`. Rows a dispatch or outcome holds are skipped.
   */
  async resolveStranded(
    manager: EntityManager,
    limit: number,
    noEndpointReason: string,
  ): Promise<StrandedOutcome> {
    const rows = await manager.query<{ outcome: 'SENT' | 'FAILED' | 'REDISPATCH' }[]>(
      `WITH stranded AS (
         SELECT r.id,
                (SELECT count(*) FILTER (WHERE d.status = 'SUCCEEDED') FROM webhook_deliveries d WHERE d.reminder_id = r.id) AS succeeded,
                (SELECT count(*) FILTER (WHERE d.status = 'FAILED') FROM webhook_deliveries d WHERE d.reminder_id = r.id) AS failed,
                EXISTS (${SUBSCRIBED_ENDPOINT}) AS subscribed
         FROM reminders r
         WHERE r.status = 'SCHEDULED' AND r.dispatched_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.reminder_id = r.id AND d.status = 'PENDING')
         ORDER BY r.id LIMIT $1 FOR UPDATE OF r SKIP LOCKED
       ), decided AS (
         SELECT id, CASE WHEN failed > 0 THEN 'FAILED' WHEN succeeded > 0 THEN 'SENT'
                         WHEN subscribed THEN 'REDISPATCH' ELSE 'FAILED' END AS outcome,
                CASE WHEN failed > 0 THEN 'a delivery failed' WHEN succeeded = 0 AND NOT subscribed THEN $2 END AS reason
         FROM stranded
       ), updated AS (
         UPDATE reminders r
         SET status = CASE WHEN x.outcome = 'REDISPATCH' THEN r.status ELSE x.outcome END,
             dispatched_at = CASE WHEN x.outcome = 'REDISPATCH' THEN NULL ELSE r.dispatched_at END,
             sent_at = CASE WHEN x.outcome = 'SENT' THEN now() ELSE r.sent_at END,
             cancel_reason = coalesce(x.reason, r.cancel_reason), updated_at = now()
         FROM decided x WHERE r.id = x.id
         RETURNING x.outcome
       ) SELECT outcome FROM updated`,
      [limit, noEndpointReason],
    );
    const count = (outcome: string) => rows.filter((r) => r.outcome === outcome).length;
    return { sent: count('SENT'), redispatched: count('REDISPATCH'), failed: count('FAILED') };
  }

  /**
   * Picks up to `limit` spent (SENT or FAILED) reminders not yet replanned, of one student or any, oldest sent
   * first, skipping rows others hold, and marks them replanned; their students, per center.
   */
  markSpentReplanned(
    manager: EntityManager,
    limit: number,
    studentId: string | null,
  ): Promise<{ center_id: string; student_ids: string[]; reminders: number }[]> {
    return manager.query(
      `WITH picked AS (
         SELECT id, center_id, student_id FROM reminders
         WHERE status IN ('SENT', 'FAILED') AND replanned_at IS NULL AND ($2::uuid IS NULL OR student_id = $2)
         ORDER BY sent_at LIMIT $1 FOR UPDATE SKIP LOCKED
       ), marked AS (
         UPDATE reminders r SET replanned_at = now() FROM picked WHERE r.id = picked.id
         RETURNING picked.center_id, picked.student_id
       )
       SELECT center_id, array_agg(DISTINCT student_id) AS student_ids, count(*)::int AS reminders
       FROM marked GROUP BY center_id`,
      [limit, studentId],
    );
  }

  /** The students of the next `limit` spent reminders not yet replanned (read only, nothing locked). */
  studentsToReplan(limit: number): Promise<{ center_id: string; student_id: string }[]> {
    return this.dataSource.query(
      `SELECT DISTINCT center_id, student_id FROM (
         SELECT center_id, student_id FROM reminders
         WHERE status IN ('SENT', 'FAILED') AND replanned_at IS NULL ORDER BY sent_at LIMIT $1) batch`,
      [limit],
    );
  }

  /** The student's spent reminders are marked replanned without a replan; how many. */
  async skipReplanOf(studentId: string): Promise<number> {
    const [{ reminders }] = await this.dataSource.query<{ reminders: number }[]>(
      `WITH skipped AS (
         UPDATE reminders SET replanned_at = now()
         WHERE student_id = $1 AND status IN ('SENT', 'FAILED') AND replanned_at IS NULL RETURNING id
       ) SELECT count(*)::int AS reminders FROM skipped`,
      [studentId],
    );
    return reminders;
  }

  /** Throws if the database does not answer. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}

/*
 * An erasure's statements, in the directory's transaction (hence functions of its EntityManager). By student
 * id, which is unique across centers.
 */

/** Row locks on the student's SCHEDULED reminders, in id order, until commit. */
export async function lockScheduledOf(manager: EntityManager, studentId: string): Promise<void> {
  await manager.query(
    `SELECT 1 FROM reminders WHERE student_id = $1 AND status = 'SCHEDULED' ORDER BY id FOR UPDATE`,
    [studentId],
  );
}

/** The student's SCHEDULED reminders, claimed or not, are CANCELLED for `reason`. */
export async function cancelScheduledOf(
  manager: EntityManager,
  studentId: string,
  reason: string,
): Promise<void> {
  await manager.query(
    `UPDATE reminders SET status = 'CANCELLED', cancel_reason = $2, updated_at = now()
     WHERE student_id = $1 AND status = 'SCHEDULED'`,
    [studentId, reason],
  );
}
