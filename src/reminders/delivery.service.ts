import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../common/clock.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { agentFor } from '../webhooks/ssrf-guard.js';
import { signatureHeader } from '../webhooks/standard-webhooks.signer.js';
import { openSecret } from '../webhooks/webhook-secret.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ReminderScheduler } from './reminder-scheduler.js';
import { postWebhook } from './webhook-sender.js';

/** Delay before each retry (about 27.5 hours in all), multiplied by WEBHOOK_RETRY_SCALE. */
export const RETRY_DELAYS_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];
/** An endpoint that has failed every delivery for this long is disabled. */
const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3600 * 1000;
/** A claimed attempt not finished within this is assumed lost (worker crash) and may be claimed again. */
const CLAIM_MS = 60_000;

interface ClaimedDelivery {
  id: string;
  center_id: string;
  endpoint_id: string;
  message_id: string;
  payload: unknown;
  reminder_id: string | null;
  attempts: number;
  url: string;
  secret: Buffer;
  previous_secret: Buffer | null;
  previous_secret_expires_at: Date | null;
  disabled_at: Date | null;
}

/** One attempt at delivering one webhook, with the retry schedule, 410 handling and endpoint health. */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly scheduler: ReminderScheduler,
    private readonly metrics: MetricsService,
  ) {}

  async attempt(deliveryId: string): Promise<void> {
    const now = this.clock.now();
    const [delivery] = await this.dataSource.query<ClaimedDelivery[]>(
      `WITH claimed AS (
         UPDATE webhook_deliveries SET attempts = attempts + 1, claimed_until = $2::timestamptz + $3 * interval '1 millisecond', updated_at = now()
         WHERE id = $1 AND status = 'PENDING' AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
         RETURNING *
       )
       SELECT c.id, c.center_id, c.endpoint_id, c.message_id, c.payload, c.reminder_id, c.attempts,
              e.url, e.secret, e.previous_secret, e.previous_secret_expires_at, e.disabled_at
       FROM claimed c JOIN webhook_endpoints e ON e.id = c.endpoint_id`,
      [deliveryId, now, CLAIM_MS],
    );
    if (!delivery) return; // not due, done, or another worker has it
    if (delivery.disabled_at) {
      await this.fail(delivery, null, 'the endpoint is disabled');
      return;
    }
    const key = this.runtime.secrets.encryptionKey;
    const secrets = [openSecret(key, delivery.secret)];
    if (
      delivery.previous_secret &&
      delivery.previous_secret_expires_at &&
      delivery.previous_secret_expires_at > now
    ) {
      secrets.push(openSecret(key, delivery.previous_secret));
    }
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(now.getTime() / 1000);
    const result = await postWebhook(
      delivery.url,
      {
        'webhook-id': delivery.message_id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, delivery.message_id, timestamp, body),
      },
      body,
      agentFor(delivery.url, this.runtime.config.webhookAllowPrivateNetworks),
    );
    await this.dataSource.query(
      `INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, latency_ms, error) VALUES ($1, $2, $3, $4, $5)`,
      [delivery.id, now, result.statusCode, result.latencyMs, result.error],
    );
    const status = result.statusCode;
    this.metrics.deliveryLatency.observe(result.latencyMs / 1000);
    this.metrics.deliveryAttempts.inc({
      outcome:
        status === null
          ? 'network_error'
          : status >= 200 && status < 300
            ? 'success'
            : status === 410
              ? 'gone'
              : 'http_error',
    });
    if (status !== null && status >= 200 && status < 300) return this.succeed(delivery, status);
    if (status === 410) {
      await this.dataSource.query(
        `UPDATE webhook_endpoints SET disabled_at = now(), disabled_reason = 'the receiver answered 410 Gone', updated_at = now() WHERE id = $1`,
        [delivery.endpoint_id],
      );
      return this.fail(delivery, status, 'the receiver answered 410 Gone; the endpoint is disabled');
    }
    await this.retryOrFail(delivery, status, result.error ?? `HTTP ${status}`, result.retryAfterSeconds, now);
  }

  private async succeed(delivery: ClaimedDelivery, status: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE webhook_deliveries SET status = 'SUCCEEDED', last_status_code = $2, last_error = NULL, finished_at = now(), claimed_until = NULL, updated_at = now()
         WHERE id = $1`,
        [delivery.id, status],
      );
      await manager.query(
        `UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`,
        [delivery.endpoint_id],
      );
      // The reminder is SENT once every one of its deliveries succeeded.
      if (delivery.reminder_id) {
        const [sent] = await manager.query<{ scheduled_at: Date }[]>(
          `WITH sent AS (
             UPDATE reminders SET status = 'SENT', sent_at = now(), updated_at = now()
           WHERE id = $1 AND status IN ('SCHEDULED', 'FAILED')
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.reminder_id = $1 AND d.status <> 'SUCCEEDED')
             RETURNING scheduled_at
           ) SELECT * FROM sent`,
          [delivery.reminder_id],
        );
        if (sent) {
          this.metrics.reminderTransitions.inc({ state: 'SENT' });
          this.metrics.reminderLateness.observe(
            Math.max(0, (Date.now() - sent.scheduled_at.getTime()) / 1000),
          );
        }
      }
    });
  }

  private async fail(delivery: ClaimedDelivery, status: number | null, error: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE webhook_deliveries SET status = 'FAILED', last_status_code = $2, last_error = $3, finished_at = now(), claimed_until = NULL, updated_at = now()
         WHERE id = $1`,
        [delivery.id, status, error],
      );
      if (delivery.reminder_id) {
        await manager.query(
          `UPDATE reminders SET status = 'FAILED', cancel_reason = $2, updated_at = now() WHERE id = $1 AND status = 'SCHEDULED'`,
          [delivery.reminder_id, `a delivery failed: ${error}`],
        );
      }
    });
    this.logger.warn(
      { deliveryId: delivery.id, endpointId: delivery.endpoint_id, status, error },
      'webhook delivery failed for good',
    );
  }

  private async retryOrFail(
    delivery: ClaimedDelivery,
    status: number | null,
    error: string,
    retryAfter: number | null,
    now: Date,
  ): Promise<void> {
    const [endpoint] = await this.dataSource.query<{ failing_since: Date }[]>(
      `WITH marked AS (
         UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, $2) WHERE id = $1 RETURNING failing_since
       ) SELECT * FROM marked`,
      [delivery.endpoint_id, now],
    );
    if (endpoint && now.getTime() - endpoint.failing_since.getTime() > DISABLE_AFTER_FAILING_MS) {
      await this.dataSource.query(
        `UPDATE webhook_endpoints SET disabled_at = now(), disabled_reason = 'every delivery failed for 5 days', updated_at = now() WHERE id = $1`,
        [delivery.endpoint_id],
      );
      return this.fail(delivery, status, `${error}; the endpoint failed for 5 days and is disabled`);
    }
    const retryIndex = delivery.attempts - 1;
    if (retryIndex >= RETRY_DELAYS_SECONDS.length)
      return this.fail(delivery, status, `${error} (after ${delivery.attempts} attempts)`);
    const scale = this.runtime.config.webhookRetryScale;
    const base = RETRY_DELAYS_SECONDS[retryIndex] * scale;
    const jittered = base * (0.9 + Math.random() * 0.2);
    const delaySeconds = Math.max(jittered, Math.min(retryAfter ?? 0, 36_000 * scale));
    const next = new Date(now.getTime() + delaySeconds * 1000);
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET next_attempt_at = $2, claimed_until = NULL, last_status_code = $3, last_error = $4, updated_at = now() WHERE id = $1`,
      [delivery.id, next, status, error],
    );
    await this.scheduler.scheduleDeliveries([{ id: delivery.id, attempts: delivery.attempts, at: next }]);
  }
}
