import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CLOCK, type Clock } from '../common/clock.js';
import { transactionWithRetry } from '../database/transaction.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { DeliveriesRepository } from '../webhooks/deliveries.repository.js';
import { CLAIM_MS, DeliveryService } from '../webhooks/delivery.service.js';
import { DueRemindersRepository } from './due-reminders.repository.js';
import { reminderPayload } from './reminder-payload.js';

/** Reminders claimed per transaction: round trips and planning are shared by many, the first still goes out fast. */
const BATCH_SIZE = 200;
/** Claimed batches still being sent, per process: enough to keep the receivers busy while the next is claimed. */
const BATCHES_IN_FLIGHT = 4;
/**
 * How long the last, blocking claim pass may wait for rows another transaction holds (a replan rewriting a
 * student's reminders can hold them for seconds): after it, what is left goes to the next pass or the sweep.
 */
const BLOCKING_CLAIM_LOCK_TIMEOUT_MS = 2000;
/** PostgreSQL lock_not_available: lock_timeout ran out. */
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Turns due reminders into deliveries, once, in batches: a batch of reminders is claimed with one conditional
 * update, their gaps are re-checked (a follow-up logged a second ago cancels a reminder), and one delivery per
 * subscribed endpoint is written, already claimed for its first attempt, in the same transaction; this worker
 * sends those attempts right after commit while it claims the next batch. A crash after commit leaves the
 * deliveries claimed for CLAIM_MS, after which the sweep enqueues them like any retry.
 */
@Injectable()
export class DispatchService implements OnModuleDestroy {
  private readonly logger = new Logger(DispatchService.name);
  /** The claim passes of the running drain (not its sends), which calls join; null once they are over. */
  private claiming: Promise<void> | null = null;
  private drainAgain = false;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly deliveries: DeliveryService,
    private readonly dueReminders: DueRemindersRepository,
    private readonly deliveriesRepository: DeliveriesRepository,
    private readonly metrics: MetricsService,
  ) {}

  /** Finishes the batches in hand and claims no more, so shutdown is quick; others (or the sweep) take the rest. */
  onModuleDestroy(): void {
    this.stopping = true;
  }

  /**
   * Dispatches every reminder due now; returns how many it claimed. A call while a drain in this process is
   * still claiming joins it: the drain claims once more after the call, and the call returns once the claims
   * are over (returning 0, the drain counts them), without waiting for the sends, so it does not hold a worker
   * slot for them. Once a drain only waits for its sends, a call starts a drain of its own: a trigger arriving
   * at any point is followed by a claim pass.
   */
  dispatchDue(): Promise<number> {
    if (this.claiming) {
      this.drainAgain = true;
      return this.claiming.then(() => 0);
    }
    return this.drain();
  }

  private async drain(): Promise<number> {
    const sending = new Set<Promise<void>>();
    let failure: Error | undefined;
    let claimed = 0;
    let claimsOver!: (error?: Error) => void;
    // Set synchronously (before the first await), so a call right after this one joins.
    this.claiming = new Promise<void>((resolve, reject) => {
      claimsOver = (error) => (error ? reject(error) : resolve());
    });
    this.claiming.catch(() => undefined); // the drain's own caller gets the error; joiners may be none
    try {
      do {
        this.drainAgain = false;
        // Claims pass over rows other transactions hold (another worker's claim, a recompute writing the
        // student); a last claim then waits for those, so nothing due is left to the sweep.
        for (const skipLocked of [true, false]) {
          while (!this.stopping && failure === undefined) {
            while (sending.size >= BATCHES_IN_FLIGHT) await Promise.race(sending);
            const batch = await this.claim(skipLocked);
            if (!batch) break; // a lock held too long: the next pass or the sweep takes the rest
            claimed += batch.claimed;
            const sent: Promise<void> = this.deliveries
              .deliver(batch.deliveries)
              .catch((error: unknown) => {
                failure ??= error instanceof Error ? error : new Error(String(error));
              })
              .finally(() => sending.delete(sent));
            sending.add(sent);
            if (batch.claimed < BATCH_SIZE) break; // nothing more to claim now
          }
        }
      } while (this.drainAgain && !this.stopping && failure === undefined);
      // No await since the check above: from here on a call starts a new drain rather than joining one that
      // only waits for its sends (and would never claim what the call was about).
      this.claiming = null;
      claimsOver(failure);
    } catch (error) {
      this.claiming = null;
      claimsOver(error instanceof Error ? error : new Error(String(error)));
      throw error;
    } finally {
      await Promise.all(sending);
    }
    if (failure !== undefined) throw failure;
    return claimed;
  }

  /**
   * One batch claimed, rendered and written in one transaction; null when the blocking pass gave up waiting
   * for a lock (the claim then rolled back: nothing is claimed, the rows stay due).
   */
  private async claim(skipLocked: boolean) {
    const now = this.clock.now();
    let batch: Awaited<ReturnType<DispatchService['claimBatch']>>;
    try {
      batch = await transactionWithRetry(this.dataSource, async (manager) => {
        // Without SKIP LOCKED the claim waits for rows other transactions hold; not for long, so a long
        // transaction (a replan) cannot stall dispatch in this process.
        if (!skipLocked) await this.dueReminders.waitForLocksAtMost(manager, BLOCKING_CLAIM_LOCK_TIMEOUT_MS);
        return this.claimBatch(manager, now, skipLocked);
      });
    } catch (error) {
      if (skipLocked || (error as { code?: unknown }).code !== LOCK_NOT_AVAILABLE) throw error;
      this.logger.debug('the blocking claim pass timed out on a lock; left to the next pass or the sweep');
      return null;
    }
    if (batch.stranded.length)
      this.logger.warn({ reminderIds: batch.stranded }, 'reminders due but no webhook endpoint');
    this.metrics.reminderTransitions.inc({ state: 'CANCELLED' }, batch.cancelled);
    this.metrics.reminderTransitions.inc({ state: 'FAILED' }, batch.stranded.length);
    return batch;
  }

  /**
   * Claims a batch, renders each payload, cancels reminders with nothing left to remind of, and writes their
   * deliveries already claimed for the first attempt (the unique (reminder, endpoint) key keeps it to one each).
   */
  private async claimBatch(manager: EntityManager, now: Date, skipLocked: boolean) {
    const reminders = await this.dueReminders.claim(manager, now, BATCH_SIZE, skipLocked);
    if (reminders.length === 0) return { claimed: 0, cancelled: 0, deliveries: [], stranded: [] };
    const bodies = new Map<string, string>();
    const toSend: { id: string; centerId: string }[] = [];
    const cancelled: string[] = [];
    for (const reminder of reminders) {
      const payload = reminderPayload(reminder, now);
      if (!payload) {
        cancelled.push(reminder.id);
        continue;
      }
      bodies.set(reminder.id, JSON.stringify(payload));
      toSend.push({ id: reminder.id, centerId: reminder.centerId });
    }
    await this.dueReminders.finish(
      manager,
      cancelled,
      'CANCELLED',
      'its gaps were no longer open when it fell due',
    );
    const deliveries = await this.deliveriesRepository.insertClaimedForReminders(
      manager,
      toSend.map((r) => ({ ...r, body: bodies.get(r.id)! })),
      now,
      CLAIM_MS,
    );
    // An endpoint disabled since the claim checked it leaves a reminder nowhere to go.
    const delivered = new Set(deliveries.map((d) => d.reminder_id));
    const stranded = toSend.filter((r) => !delivered.has(r.id)).map((r) => r.id);
    await this.dueReminders.finish(
      manager,
      stranded,
      'FAILED',
      'no enabled webhook endpoint is subscribed to followup.reminder',
    );
    return {
      claimed: reminders.length,
      cancelled: cancelled.length,
      deliveries: deliveries.map((d) => ({ ...d, body: bodies.get(d.reminder_id)! })),
      stranded,
    };
  }
}
