import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook endpoints (secrets encrypted with ENCRYPTION_KEY; the previous secret stays valid for a while after
 * a rotation), deliveries (one row per event and endpoint, with a stable message id) and their attempts.
 */
export class Webhooks1764374400000 implements MigrationInterface {
  name = 'Webhooks1764374400000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        center_id                  uuid NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
        url                        varchar(2048) NOT NULL,
        event_types                text[] NOT NULL,
        secret                     bytea NOT NULL,
        previous_secret            bytea,
        previous_secret_expires_at timestamptz,
        disabled_at                timestamptz,
        disabled_reason            text,
        failing_since              timestamptz,
        created_at                 timestamptz NOT NULL DEFAULT now(),
        updated_at                 timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX webhook_endpoints_center_id_idx ON webhook_endpoints (center_id, created_at, id)`,
    );
    // Claimed by the dispatcher (its deliveries exist) once, whatever runs twice.
    await q.query(`ALTER TABLE reminders ADD COLUMN dispatched_at timestamptz`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        center_id        uuid NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
        endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_type       varchar(64) NOT NULL,
        message_id       varchar(64) NOT NULL,
        payload          jsonb NOT NULL,
        reminder_id      uuid REFERENCES reminders (id),
        status           varchar(16) NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
        attempts         integer NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NOT NULL DEFAULT now(),
        claimed_until    timestamptz,
        last_status_code integer,
        last_error       text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        finished_at      timestamptz
      )`);
    // One delivery per reminder and endpoint: a dispatch that runs twice cannot send twice.
    await q.query(
      `CREATE UNIQUE INDEX webhook_deliveries_reminder_endpoint_key ON webhook_deliveries (reminder_id, endpoint_id)`,
    );
    await q.query(
      `CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING'`,
    );
    await q.query(
      `CREATE INDEX webhook_deliveries_center_idx ON webhook_deliveries (center_id, created_at, id)`,
    );
    await q.query(`
      CREATE TABLE webhook_attempts (
        id           bigserial PRIMARY KEY,
        delivery_id  uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        attempted_at timestamptz NOT NULL,
        status_code  integer,
        latency_ms   integer NOT NULL,
        error        text
      )`);
    await q.query(`CREATE INDEX webhook_attempts_delivery_id_idx ON webhook_attempts (delivery_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_attempts`);
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`ALTER TABLE reminders DROP COLUMN dispatched_at`);
    await q.query(`DROP TABLE webhook_endpoints`);
  }
}
