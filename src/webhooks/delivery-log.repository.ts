import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { instantIdKeySql } from '../common/pagination.js';
import { isoUtc } from '../database/sql.js';
import type { DeliveryResource } from './webhook-delivery.dto.js';

/** A delivery as the REST API shows it, with its attempts; the center's (parameter $1) only. */
const SELECT_RESOURCE = `
  SELECT d.id, d.endpoint_id AS "endpointId", d.event_type AS "eventType", d.message_id AS "webhookId", d.reminder_id AS "reminderId",
         d.status, d.attempts AS "attemptCount", d.next_attempt_at AS "nextAttemptAt", d.last_status_code AS "lastStatusCode",
         d.last_error AS "lastError", d.created_at AS "createdAt", d.finished_at AS "finishedAt",
         coalesce((SELECT json_agg(json_build_object('at', ${isoUtc('a.attempted_at')}, 'statusCode', a.status_code, 'latencyMs', a.latency_ms, 'error', a.error)
                                   ORDER BY a.id) FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]') AS attempts
  FROM webhook_deliveries d WHERE d.center_id = $1`;

/**
 * The delivery log as the center sees it through the REST API: its deliveries with their attempts, newest
 * first, one by id, and redelivery. Every statement is scoped to the caller's center. The sender's writes are
 * in deliveries.repository.ts; what an erasure removes from the log is below the class.
 */
@Injectable()
export class DeliveryLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The center's deliveries newest first, optionally of one status, after the keyset `after`; limit + 1 rows. */
  page(
    centerId: string,
    status: string | null,
    after: { at: string | null; id: string | null },
    limit: number,
  ): Promise<(DeliveryResource & { key: string })[]> {
    return this.dataSource.query(
      `SELECT page.*, ${instantIdKeySql('page."createdAt"', 'page.id')} AS key
       FROM (${SELECT_RESOURCE} AND ($2::text IS NULL OR d.status = $2)
         AND ($3::timestamptz IS NULL OR (d.created_at, d.id) < ($3::timestamptz, $4::uuid))
         ORDER BY d.created_at DESC, d.id DESC LIMIT $5) page
       ORDER BY page."createdAt" DESC, page.id DESC`,
      [centerId, status, after.at, after.id, limit + 1],
    );
  }

  async find(centerId: string, id: string): Promise<DeliveryResource | undefined> {
    const [row] = await this.dataSource.query<DeliveryResource[]>(`${SELECT_RESOURCE} AND d.id = $2`, [
      centerId,
      id,
    ]);
    return row;
  }

  /**
   * PENDING again with no attempts, due now, unless its endpoint is disabled or it was erased (also by an
   * erasure committed after the check read it); what the check found, undefined if the center has no such
   * delivery.
   */
  async resetForRedelivery(
    centerId: string,
    id: string,
  ): Promise<{ id: string; disabled: boolean; erased: boolean } | undefined> {
    const [row] = await this.dataSource.query<{ id: string; disabled: boolean; erased: boolean }[]>(
      `WITH target AS (
         SELECT d.id, e.disabled_at IS NOT NULL AS disabled, d.erased_at IS NOT NULL AS erased
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.center_id = $1 AND d.id = $2
       ), reset AS (
         UPDATE webhook_deliveries d SET status = 'PENDING', attempts = 0, next_attempt_at = now(), claimed_until = NULL, finished_at = NULL, updated_at = now()
         WHERE id IN (SELECT id FROM target WHERE NOT disabled AND NOT erased)
           AND d.erased_at IS NULL -- also if an erasure committed since target was read
         RETURNING id
       ) SELECT id, disabled, erased FROM target`,
      [centerId, id],
    );
    return row;
  }
}

/** SET clauses (on `d`, the reason in parameter `reason`): a PENDING delivery is FAILED for good, unclaimed. */
const failIfPending = (reason: string) => `
  status = CASE WHEN d.status = 'PENDING' THEN 'FAILED' ELSE d.status END,
  last_error = CASE WHEN d.status = 'PENDING' THEN 'not sent: ' || ${reason}::text ELSE d.last_error END,
  finished_at = coalesce(d.finished_at, now()), claimed_until = NULL, updated_at = now()`;

/*
 * An erasure's statements, in the directory's transaction (hence functions of its EntityManager): the
 * student's deliveries in the center lose the student's data.
 */

/** The student's reminder deliveries keep only their ids (type, time, reminder, center), erased; PENDING ones FAILED. */
export async function scrubReminderDeliveries(
  manager: EntityManager,
  centerId: string,
  studentId: string,
  reason: string,
): Promise<void> {
  await manager.query(
    `UPDATE webhook_deliveries d
     SET payload = jsonb_build_object('type', d.payload->'type', 'timestamp', d.payload->'timestamp',
                     'data', jsonb_build_object('reminderId', d.payload#>'{data,reminderId}', 'center', d.payload#>'{data,center}')),
         erased_at = now(), ${failIfPending('$3')}
     WHERE d.center_id = $1 AND d.erased_at IS NULL
       AND d.reminder_id IN (SELECT id FROM reminders WHERE student_id = $2)`,
    [centerId, studentId, reason],
  );
}

/** The student's entry (digests name students by externalId) leaves every escalation digest not yet erased. */
export async function pruneStudentFromDigests(
  manager: EntityManager,
  centerId: string,
  studentExternalId: string,
): Promise<void> {
  await manager.query(
    `WITH pruned AS (
       SELECT d.id, coalesce(jsonb_agg(s.entry ORDER BY s.n) FILTER (WHERE s.entry->>'externalId' IS DISTINCT FROM $2), '[]') AS students
       FROM webhook_deliveries d CROSS JOIN jsonb_array_elements(d.payload#>'{data,students}') WITH ORDINALITY AS s(entry, n)
       WHERE d.center_id = $1 AND d.event_type = 'followup.escalation' AND d.erased_at IS NULL
         AND d.payload#>'{data,students}' @> jsonb_build_array(jsonb_build_object('externalId', $2::text))
       GROUP BY d.id
     )
     UPDATE webhook_deliveries d SET payload = jsonb_set(d.payload, '{data,students}', p.students), updated_at = now()
     FROM pruned p WHERE d.id = p.id`,
    [centerId, studentExternalId],
  );
}

/** Digests of the center left naming no student are erased; PENDING ones FAILED. */
export async function eraseEmptyDigests(
  manager: EntityManager,
  centerId: string,
  reason: string,
): Promise<void> {
  await manager.query(
    `UPDATE webhook_deliveries d SET erased_at = now(), ${failIfPending('$2')}
     WHERE d.center_id = $1 AND d.event_type = 'followup.escalation' AND d.erased_at IS NULL
       AND d.payload#>'{data,students}' = '[]'::jsonb`,
    [centerId, reason],
  );
}
