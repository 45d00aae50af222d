import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ConflictError, ErasedError, NotFoundError } from '../common/app-error.js';
import {
  decodeInstantIdCursor,
  DEFAULT_PAGE_SIZE,
  instantIdKeySql,
  toInstantIdPage,
  type Page,
} from '../common/pagination.js';
import { isoUtc } from '../database/sql.js';
import { ReminderScheduler } from '../jobs/reminder-scheduler.js';
import type { DeliveryQuery, DeliveryResource } from './webhook-delivery.dto.js';

const SELECT = `
  SELECT d.id, d.endpoint_id AS "endpointId", d.event_type AS "eventType", d.message_id AS "webhookId", d.reminder_id AS "reminderId",
         d.status, d.attempts AS "attemptCount", d.next_attempt_at AS "nextAttemptAt", d.last_status_code AS "lastStatusCode",
         d.last_error AS "lastError", d.created_at AS "createdAt", d.finished_at AS "finishedAt",
         coalesce((SELECT json_agg(json_build_object('at', ${isoUtc('a.attempted_at')}, 'statusCode', a.status_code, 'latencyMs', a.latency_ms, 'error', a.error)
                                   ORDER BY a.id) FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]') AS attempts
  FROM webhook_deliveries d WHERE d.center_id = $1`;

@Injectable()
export class WebhookDeliveriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scheduler: ReminderScheduler,
  ) {}

  /** Newest first, keyset-paged, optionally by status; each with its attempts. */
  async list(centerId: string, query: DeliveryQuery): Promise<Page<DeliveryResource>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeInstantIdCursor(query.cursor);
    const rows = await this.dataSource.query<(DeliveryResource & { key: string })[]>(
      `SELECT page.*, ${instantIdKeySql('page."createdAt"', 'page.id')} AS key
       FROM (${SELECT} AND ($2::text IS NULL OR d.status = $2)
         AND ($3::timestamptz IS NULL OR (d.created_at, d.id) < ($3::timestamptz, $4::uuid))
         ORDER BY d.created_at DESC, d.id DESC LIMIT $5) page
       ORDER BY page."createdAt" DESC, page.id DESC`,
      [centerId, query.status ?? null, after.at, after.id, limit + 1],
    );
    return toInstantIdPage(rows, limit);
  }

  async get(centerId: string, id: string): Promise<DeliveryResource> {
    const [row] = await this.dataSource.query<DeliveryResource[]>(`${SELECT} AND d.id = $2`, [centerId, id]);
    if (!row) throw new NotFoundError(`No webhook delivery ${id} in this center.`);
    return row;
  }

  /** Sends the same event again, with the same webhook-id, on a fresh retry schedule. */
  async redeliver(centerId: string, id: string): Promise<DeliveryResource> {
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
    if (!row) throw new NotFoundError(`No webhook delivery ${id} in this center.`);
    // Its payload was about a student since erased: there is nothing left to send, ever.
    if (row.erased)
      throw new ErasedError(
        'This delivery was about a student who has since been erased; its content is gone and it cannot be redelivered.',
      );
    // It would only fail again at once: say what to do instead.
    if (row.disabled)
      throw new ConflictError(
        "The delivery's endpoint is disabled: enable it (POST /v1/webhook-endpoints/{id}/enable) once the receiver works, then redeliver.",
      );
    await this.scheduler.scheduleDeliveries([{ id, attempts: 0, at: new Date() }]).catch(() => undefined); // else the sweep does
    return this.get(centerId, id);
  }
}
