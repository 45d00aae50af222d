import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../common/clock.js';
import { GroupWriter } from '../common/group-writer.js';
import { Limiter } from '../common/limiter.js';
import { transactionWithRetry } from '../database/transaction.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { agentFor } from '../webhooks/ssrf-guard.js';
import { signatureHeader } from '../webhooks/standard-webhooks.signer.js';
import { openSecret } from '../webhooks/webhook-secret.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { DeliveriesRepository, type ClaimedDelivery } from './deliveries.repository.js';
import { EndpointsRepository } from './endpoints.repository.js';
import { ErasedCheck } from './erased-check.js';
import { ReminderScheduler } from '../jobs/reminder-scheduler.js';
import { postWebhook, TIMEOUT_MS, type SendResult } from './webhook-sender.js';

/** Delay before each retry (about 27.5 hours in all), multiplied by WEBHOOK_RETRY_SCALE. */
export const RETRY_DELAYS_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];
/**
 * An endpoint that has failed every delivery for this long is disabled, once a delivery to it has used up its
 * whole retry schedule: no delivery fails before its 24 hours of retries (SPEC 5.3) because of this rule.
 */
const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3600 * 1000;
const FAILING_TOO_LONG = 'every delivery failed for 5 days';
/** A claimed attempt not finished within this is assumed lost (worker crash) and may be claimed again. */
export const CLAIM_MS = 60_000;
/** Webhook requests in flight at once from one process. */
const SEND_CONCURRENCY = 32;

export type { ClaimedDelivery };

interface Outcome {
  delivery: ClaimedDelivery;
  at: Date;
  result: SendResult;
}

const isSuccess = (status: number | null) => status !== null && status >= 200 && status < 300;

/** One attempt at delivering webhooks, with the retry schedule, 410 handling and endpoint health. */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);
  /** Requests in flight from this process, whoever sends them (dispatch batches, retries). */
  private readonly sending = new Limiter(SEND_CONCURRENCY);
  private readonly erasedCheck = new ErasedCheck((ids) => this.deliveries.erasedAmong(ids));

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deliveries: DeliveriesRepository,
    private readonly endpoints: EndpointsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly scheduler: ReminderScheduler,
    private readonly metrics: MetricsService,
  ) {}

  /** Claims a pending delivery that is due (a retry, a redelivery, one the sweep found) and attempts it. */
  async attempt(deliveryId: string): Promise<void> {
    const now = this.clock.now();
    const delivery = await this.deliveries.claimForAttempt(deliveryId, now, CLAIM_MS);
    if (!delivery) return; // not due, done, or another worker has it
    const { payload, ...rest } = delivery;
    await this.deliver([{ ...rest, body: JSON.stringify(payload) }]);
  }

  /**
   * Sends claimed deliveries (at most SEND_CONCURRENCY at a time per process, over keep-alive connections)
   * and records each outcome as soon as its request is over: successes grouped into few statements, failures
   * one by one through the retry schedule. Recording promptly keeps what a crash can send twice small.
   * An attempt whose claim would run out before its request could (waiting behind the limiter, say) is not
   * sent but handed back: the sweep may already have claimed it again, and two sends would go out. Every
   * outcome is recorded only if the delivery is still at this attempt, so a late result never overwrites a
   * newer one. Never inside a transaction.
   */
  async deliver(deliveries: ClaimedDelivery[]): Promise<void> {
    const secrets = new Map<string, string[]>(); // decrypted once per endpoint and call
    const successes = new GroupWriter<Outcome>((outcomes) => this.recordSuccesses(outcomes));
    const settled = await Promise.allSettled(
      deliveries.map(async (delivery) => {
        if (delivery.disabled_at) return this.toDisabledEndpoint(delivery);
        const outcome = await this.sending.run(async () => {
          if (!this.claimHolds(delivery)) return null;
          // Erased since the claim: the erasure already failed the delivery; its body must not go out.
          if (await this.erasedCheck.isErased(delivery.id)) return 'erased';
          return this.send(delivery, secrets);
        });
        if (outcome === 'erased') return;
        if (!outcome) return this.release(delivery, 'claim ran out before its turn to send; not sent');
        this.observe(outcome.result);
        if (isSuccess(outcome.result.statusCode)) successes.add(outcome);
        else await this.recordFailure(outcome);
      }),
    );
    await successes.flushed();
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason; // left claimed: the sweep retries them once the claim expires
  }

  /**
   * A delivery whose endpoint is disabled is not sent. After a 410 it fails at once (SPEC 5.3). An endpoint
   * disabled for failing too long took a delivery's whole schedule to get there; the others still pending keep
   * their own (attempts without a request), so none fails before its 24 hours.
   */
  private async toDisabledEndpoint(delivery: ClaimedDelivery): Promise<void> {
    const endpoint = await this.endpoints.disabledState(delivery.endpoint_id);
    // Enabled again since the claim read it: hand the attempt back, the sweep sends it at once.
    if (endpoint && !endpoint.disabled)
      return this.release(delivery, 'the endpoint was enabled meanwhile; not sent yet');
    if (endpoint?.disabled_reason !== FAILING_TOO_LONG)
      return this.fail(delivery, null, 'the endpoint is disabled');
    const error = `not sent: the endpoint is disabled (${FAILING_TOO_LONG})`;
    const result = { statusCode: null, retryAfterSeconds: null, error, latencyMs: 0 };
    return this.recordFailure({ delivery, at: this.clock.now(), result });
  }

  /** The claim outlasts a whole request (its timeout), so no other attempt can be claimed while it is out. */
  private claimHolds(delivery: ClaimedDelivery): boolean {
    return delivery.claimed_until.getTime() - this.clock.now().getTime() > TIMEOUT_MS;
  }

  /**
   * Gives an attempt that was claimed but never sent back (the claim and its count), so the sweep hands it out
   * at once; a no-op if the claim already ran out and another attempt was claimed.
   */
  private async release(delivery: ClaimedDelivery, message: string): Promise<void> {
    await this.deliveries.release(delivery.id, delivery.attempts);
    this.logger.warn({ deliveryId: delivery.id, attempt: delivery.attempts }, message);
  }

  private async send(delivery: ClaimedDelivery, cache: Map<string, string[]>): Promise<Outcome> {
    const at = this.clock.now();
    let secrets = cache.get(delivery.endpoint_id);
    if (!secrets) {
      const key = this.runtime.secrets.encryptionKey;
      secrets = [openSecret(key, delivery.secret)];
      if (
        delivery.previous_secret &&
        delivery.previous_secret_expires_at &&
        delivery.previous_secret_expires_at > at
      ) {
        secrets.push(openSecret(key, delivery.previous_secret));
      }
      cache.set(delivery.endpoint_id, secrets);
    }
    const timestamp = Math.floor(at.getTime() / 1000);
    const result = await postWebhook(
      delivery.url,
      {
        'webhook-id': delivery.message_id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, delivery.message_id, timestamp, delivery.body),
      },
      delivery.body,
      agentFor(delivery.url, this.runtime.config.webhookAllowPrivateNetworks),
    );
    return { delivery, at, result };
  }

  private observe({ statusCode: status, latencyMs }: SendResult): void {
    this.metrics.deliveryLatency.observe(latencyMs / 1000);
    this.metrics.deliveryAttempts.inc({
      outcome:
        status === null
          ? 'network_error'
          : isSuccess(status)
            ? 'success'
            : status === 410
              ? 'gone'
              : 'http_error',
    });
  }

  /**
   * One statement for many successes: the attempts, the deliveries SUCCEEDED, their endpoints healthy again,
   * and each reminder SENT once every one of its deliveries succeeded.
   */
  private async recordSuccesses(outcomes: Outcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const reminderIds = [...new Set(outcomes.map((o) => o.delivery.reminder_id).filter((id) => id !== null))];
    const sent = await transactionWithRetry(this.dataSource, async (manager) => {
      // Whether a reminder is SENT depends on all its deliveries. Two transactions recording the successes of
      // two of them at once would each see the other's as still pending, and neither would mark it SENT: the
      // reminders' row locks (in id order, against deadlocks) make the second wait and then see the first.
      await this.deliveries.lockReminders(manager, reminderIds);
      // Deliveries deleted with their endpoint since they were claimed have nowhere to record an attempt; the
      // rest are locked against that until commit (here, not in the statement below: it updates them).
      const kept = await this.deliveries.lockExisting(
        manager,
        outcomes.map((o) => o.delivery.id),
      );
      const recorded = outcomes.filter((o) => kept.has(o.delivery.id));
      return this.deliveries.recordSuccesses(
        manager,
        recorded.map(({ delivery, at, result }) => ({
          deliveryId: delivery.id,
          attempt: delivery.attempts,
          attemptedAt: at,
          statusCode: result.statusCode,
          latencyMs: result.latencyMs,
        })),
      );
    });
    const now = Date.now();
    for (const reminder of sent) {
      this.metrics.reminderTransitions.inc({ state: 'SENT' });
      this.metrics.reminderLateness.observe(Math.max(0, (now - reminder.scheduled_at.getTime()) / 1000));
    }
  }

  private async recordFailure({ delivery, at, result }: Outcome): Promise<void> {
    // Only if the delivery still exists: deleting an endpoint deletes its deliveries, also one whose request
    // was in flight.
    const logged = await this.deliveries.logAttempt(delivery.id, {
      at,
      statusCode: result.statusCode,
      latencyMs: result.latencyMs,
      error: result.error,
    });
    if (!logged) return; // the delivery went with its endpoint: nothing left to retry or fail
    const status = result.statusCode;
    if (status === 410) {
      await this.endpoints.disableGone(delivery.endpoint_id);
      return this.fail(delivery, status, 'the receiver answered 410 Gone; the endpoint is disabled');
    }
    await this.retryOrFail(delivery, status, result.error ?? `HTTP ${status}`, result.retryAfterSeconds, at);
  }

  private async fail(delivery: ClaimedDelivery, status: number | null, error: string): Promise<void> {
    let reminderFailed = false;
    let stale = false;
    await this.dataSource.transaction(async (manager) => {
      // Only if the delivery is still at this attempt: a late result must not turn a newer SUCCEEDED into FAILED.
      stale = !(await this.deliveries.failAtAttempt(manager, delivery.id, delivery.attempts, status, error));
      if (!stale && delivery.reminder_id)
        reminderFailed = await this.deliveries.failReminder(
          manager,
          delivery.reminder_id,
          `a delivery failed: ${error}`,
        );
    });
    if (reminderFailed) this.metrics.reminderTransitions.inc({ state: 'FAILED' });
    if (stale) return;
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
    const failingSince = await this.endpoints.markFailing(delivery.endpoint_id, now);
    const retryIndex = delivery.attempts - 1;
    if (retryIndex >= RETRY_DELAYS_SECONDS.length) {
      if (failingSince && now.getTime() - failingSince.getTime() > DISABLE_AFTER_FAILING_MS)
        await this.endpoints.disableIfEnabled(delivery.endpoint_id, FAILING_TOO_LONG);
      return this.fail(delivery, status, `${error} (after ${delivery.attempts} attempts)`);
    }
    const scale = this.runtime.config.webhookRetryScale;
    const base = RETRY_DELAYS_SECONDS[retryIndex] * scale;
    const jittered = base * (0.9 + Math.random() * 0.2);
    const delaySeconds = Math.max(jittered, Math.min(retryAfter ?? 0, 36_000 * scale));
    const next = new Date(now.getTime() + delaySeconds * 1000);
    // Only if the delivery is still at this attempt: a late failure must not clear a newer attempt's claim.
    const rescheduled = await this.deliveries.rescheduleAtAttempt(
      delivery.id,
      delivery.attempts,
      next,
      status,
      error,
    );
    if (!rescheduled) return;
    await this.scheduler.scheduleDeliveries([{ id: delivery.id, attempts: delivery.attempts, at: next }]);
  }
}
