import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** One delivery claimed for one attempt (`attempts` already counts it), with its endpoint. */
export interface ClaimedDelivery {
  id: string;
  endpoint_id: string;
  message_id: string;
  body: string;
  reminder_id: string | null;
  attempts: number;
  /** Until when this attempt is ours; after it the sweep may claim the delivery for another attempt. */
  claimed_until: Date;
  url: string;
  secret: Buffer;
  previous_secret: Buffer | null;
  previous_secret_expires_at: Date | null;
  disabled_at: Date | null;
}

/** A 2xx answer to the attempt a delivery was claimed for. */
export interface RecordedSuccess {
  deliveryId: string;
  attempt: number;
  attemptedAt: Date;
  statusCode: number | null;
  latencyMs: number;
}

/** The endpoint's columns a claimed delivery carries (SQL select list on `e`). */
const ENDPOINT_COLUMNS = 'e.url, e.secret, e.previous_secret, e.previous_secret_expires_at, e.disabled_at';

/**
 * The webhook_deliveries table as the sender writes it (and the attempts logged under it): deliveries written
 * for due reminders and digests, claimed for an attempt, and each attempt's outcome. The statements go by
 * delivery id, across centers: the worker holds ids it claimed or wrote. They record each attempt's outcome
 * only while the delivery is still at that attempt, and settle its reminder too (SENT once all its deliveries
 * succeeded, FAILED with one of them). What the center reads back is in delivery-log.repository.ts.
 */
@Injectable()
export class DeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One `followup.reminder` delivery per claimed reminder and enabled subscribed endpoint of its center,
   * claimed for its first attempt until `now + claimMs`; the unique (reminder, endpoint) key keeps it to one
   * each. Bodies go in as one JSON array, so no escaping per array element.
   */
  insertClaimedForReminders(
    manager: EntityManager,
    reminders: { id: string; centerId: string; body: string }[],
    now: Date,
    claimMs: number,
  ): Promise<(Omit<ClaimedDelivery, 'body'> & { reminder_id: string })[]> {
    return manager.query(
      `WITH inserted AS (
           INSERT INTO webhook_deliveries (center_id, endpoint_id, event_type, message_id, payload, reminder_id, next_attempt_at, attempts, claimed_until)
           SELECT x.center_id, e.id, 'followup.reminder', 'msg_' || x.reminder_id, p.payload, x.reminder_id, $4, 1,
                  $4::timestamptz + $5 * interval '1 millisecond'
           FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS x(reminder_id, center_id, n)
             JOIN jsonb_array_elements($3::jsonb) WITH ORDINALITY AS p(payload, n) USING (n)
             JOIN webhook_endpoints e ON e.center_id = x.center_id AND 'followup.reminder' = ANY(e.event_types) AND e.disabled_at IS NULL
           ON CONFLICT (reminder_id, endpoint_id) DO NOTHING
           RETURNING id, endpoint_id, message_id, reminder_id, attempts, claimed_until
         )
         SELECT i.*, ${ENDPOINT_COLUMNS}
         FROM inserted i JOIN webhook_endpoints e ON e.id = i.endpoint_id`,
      [
        reminders.map((r) => r.id),
        reminders.map((r) => r.centerId),
        `[${reminders.map((r) => r.body).join(',')}]`,
        now,
        claimMs,
      ],
    );
  }

  /** An escalation digest's delivery, unclaimed and due at `now`, per enabled subscribed endpoint of the center. */
  async insertForDigest(
    manager: EntityManager,
    centerId: string,
    digest: { messageId: string; body: string },
    now: Date,
  ): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(
      `INSERT INTO webhook_deliveries (center_id, endpoint_id, event_type, message_id, payload, next_attempt_at)
       SELECT $1, e.id, 'followup.escalation', $2, $3, $4 FROM webhook_endpoints e
       WHERE e.center_id = $1 AND 'followup.escalation' = ANY(e.event_types) AND e.disabled_at IS NULL
       RETURNING id`,
      [centerId, digest.messageId, digest.body, now],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Claims the delivery for one more attempt if it is pending, due and not claimed by a live attempt (counted
   * in `attempts`, claimed until `now + claimMs`); undefined otherwise.
   */
  async claimForAttempt(
    id: string,
    now: Date,
    claimMs: number,
  ): Promise<(Omit<ClaimedDelivery, 'body'> & { payload: unknown }) | undefined> {
    const [delivery] = await this.dataSource.query<(Omit<ClaimedDelivery, 'body'> & { payload: unknown })[]>(
      `WITH claimed AS (
         UPDATE webhook_deliveries SET attempts = attempts + 1, claimed_until = $2::timestamptz + $3 * interval '1 millisecond', updated_at = now()
         WHERE id = $1 AND status = 'PENDING' AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
         RETURNING *
       )
       SELECT c.id, c.endpoint_id, c.message_id, c.payload, c.reminder_id, c.attempts, c.claimed_until, ${ENDPOINT_COLUMNS}
       FROM claimed c JOIN webhook_endpoints e ON e.id = c.endpoint_id`,
      [id, now, claimMs],
    );
    return delivery;
  }

  /** Which of the deliveries an erasure withdrew. */
  async erasedAmong(ids: string[]): Promise<Set<string>> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM webhook_deliveries WHERE id = ANY($1::uuid[]) AND erased_at IS NOT NULL`,
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Hands back an attempt claimed but never sent (its claim and its count), if the delivery is still at it. */
  async release(id: string, attempt: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET attempts = attempts - 1, claimed_until = NULL, updated_at = now()
       WHERE id = $1 AND attempts = $2 AND status = 'PENDING'`,
      [id, attempt],
    );
  }

  /** Row locks on the reminders, in id order (against deadlocks), until commit. */
  async lockReminders(manager: EntityManager, reminderIds: string[]): Promise<void> {
    await manager.query(`SELECT 1 FROM reminders WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [
      reminderIds,
    ]);
  }

  /**
   * Which of the deliveries still exist (deleting an endpoint deletes its deliveries), locked against deletion
   * until commit, so their attempts can be inserted.
   */
  async lockExisting(manager: EntityManager, ids: string[]): Promise<Set<string>> {
    const rows = await manager.query<{ id: string }[]>(
      `SELECT id FROM webhook_deliveries WHERE id = ANY($1::uuid[]) ORDER BY id FOR KEY SHARE`,
      [ids],
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * One statement for many successes: the attempts logged, the deliveries SUCCEEDED, their endpoints healthy
   * again, and each reminder SENT once every one of its deliveries succeeded; returns the reminders SENT.
   */
  recordSuccesses(manager: EntityManager, successes: RecordedSuccess[]): Promise<{ scheduled_at: Date }[]> {
    return manager.query<{ scheduled_at: Date }[]>(
      `WITH outcome AS (
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::int[], $4::int[], $5::int[]) AS o(id, attempted_at, status_code, latency_ms, attempt)
       ), attempts AS (
         INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, latency_ms)
         SELECT id, attempted_at, status_code, latency_ms FROM outcome
       ), succeeded AS (
         UPDATE webhook_deliveries d SET status = 'SUCCEEDED', last_status_code = o.status_code, last_error = NULL,
           finished_at = now(), claimed_until = NULL, updated_at = now()
         -- Only the attempt the delivery is still at: a stale success (its claim ran out, a newer attempt was
         -- claimed) must not overwrite that attempt's state. The attempt itself is still logged above.
         FROM outcome o WHERE d.id = o.id AND d.attempts = o.attempt AND d.status = 'PENDING'
         RETURNING d.id, d.reminder_id, d.endpoint_id
       ), healthy AS (
         UPDATE webhook_endpoints SET failing_since = NULL
         WHERE id IN (SELECT endpoint_id FROM succeeded) AND failing_since IS NOT NULL
       ), sent AS (
         UPDATE reminders r SET status = 'SENT', sent_at = now(), updated_at = now()
         WHERE r.id IN (SELECT reminder_id FROM succeeded) AND r.status IN ('SCHEDULED', 'FAILED')
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                           WHERE d.reminder_id = r.id AND d.status <> 'SUCCEEDED' AND d.id NOT IN (SELECT id FROM succeeded))
         RETURNING r.scheduled_at
       ) SELECT * FROM sent`,
      [
        successes.map((s) => s.deliveryId),
        successes.map((s) => s.attemptedAt),
        successes.map((s) => s.statusCode),
        successes.map((s) => s.latencyMs),
        successes.map((s) => s.attempt),
      ],
    );
  }

  /**
   * Logs a failed attempt, only if the delivery still exists: deleting an endpoint deletes its deliveries, also
   * one whose request was in flight. The key-share lock keeps the row until the attempt is in (else it breaks
   * the foreign key). Whether it was logged.
   */
  async logAttempt(
    id: string,
    attempt: { at: Date; statusCode: number | null; latencyMs: number; error: string | null },
  ): Promise<boolean> {
    const logged = await this.dataSource.query<unknown[]>(
      `WITH logged AS (
         INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, latency_ms, error)
         SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = $1 FOR KEY SHARE)
         RETURNING 1
       ) SELECT * FROM logged`,
      [id, attempt.at, attempt.statusCode, attempt.latencyMs, attempt.error],
    );
    return logged.length > 0;
  }

  /**
   * FAILED for good, only if still PENDING at this attempt (a late result must not turn a newer SUCCEEDED into
   * FAILED); whether it was.
   */
  async failAtAttempt(
    manager: EntityManager,
    id: string,
    attempt: number,
    status: number | null,
    error: string,
  ): Promise<boolean> {
    const failed = await manager.query<unknown[]>(
      `WITH failed AS (
         UPDATE webhook_deliveries SET status = 'FAILED', last_status_code = $2, last_error = $3, finished_at = now(), claimed_until = NULL, updated_at = now()
         WHERE id = $1 AND attempts = $4 AND status = 'PENDING' RETURNING id
       ) SELECT * FROM failed`,
      [id, status, error, attempt],
    );
    return failed.length > 0;
  }

  /** The reminder of a delivery that failed for good is FAILED, if still SCHEDULED; whether it was. */
  async failReminder(manager: EntityManager, reminderId: string, reason: string): Promise<boolean> {
    const failed = await manager.query<unknown[]>(
      `WITH failed AS (
         UPDATE reminders SET status = 'FAILED', cancel_reason = $2, updated_at = now() WHERE id = $1 AND status = 'SCHEDULED'
         RETURNING id
       ) SELECT * FROM failed`,
      [reminderId, reason],
    );
    return failed.length > 0;
  }

  /**
   * Next attempt at `next`, unclaimed, only if still PENDING at this attempt (a late failure must not clear a
   * newer attempt's claim); whether it was.
   */
  async rescheduleAtAttempt(
    id: string,
    attempt: number,
    next: Date,
    status: number | null,
    error: string,
  ): Promise<boolean> {
    const rescheduled = await this.dataSource.query<unknown[]>(
      `WITH rescheduled AS (
         UPDATE webhook_deliveries SET next_attempt_at = $2, claimed_until = NULL, last_status_code = $3, last_error = $4, updated_at = now()
         WHERE id = $1 AND attempts = $5 AND status = 'PENDING' RETURNING id
       ) SELECT * FROM rescheduled`,
      [id, next, status, error, attempt],
    );
    return rescheduled.length > 0;
  }

  /**
   * Pending deliveries due at `now` and not claimed by a live attempt, oldest due first: the sweep's scan,
   * deliberately across all centers.
   */
  dueUnclaimed(now: Date, limit: number): Promise<{ id: string; attempts: number; next_attempt_at: Date }[]> {
    return this.dataSource.query(
      `SELECT id, attempts, next_attempt_at FROM webhook_deliveries
       WHERE status = 'PENDING' AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1)
       ORDER BY next_attempt_at LIMIT $2`,
      [now, limit],
    );
  }
}
