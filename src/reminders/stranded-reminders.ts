import type { EntityManager } from 'typeorm';
import { SUBSCRIBED_ENDPOINT } from './due-reminders.js';

const LIMIT = 5000;
export const NO_ENDPOINT_LEFT =
  'its webhook endpoint was deleted before it was delivered, and no enabled endpoint is subscribed to followup.reminder';

export interface StrandedOutcome {
  sent: number;
  redispatched: number;
  failed: number;
}

/**
 * Reminders the dispatcher claimed (dispatched_at set) that nothing will ever finish: no delivery of theirs is
 * PENDING any more, because deleting an endpoint deletes its deliveries (ON DELETE CASCADE), often the one
 * still retrying. Each is decided from what is left: every delivery succeeded → SENT; one failed → FAILED;
 * none left → claimed afresh (dispatched_at cleared) if an enabled endpoint is subscribed now, so the
 * dispatcher delivers it to those, else FAILED with the reason. Rows a dispatch or outcome holds are skipped.
 */
export async function resolveStrandedReminders(manager: EntityManager): Promise<StrandedOutcome> {
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
    [LIMIT, NO_ENDPOINT_LEFT],
  );
  const count = (outcome: string) => rows.filter((r) => r.outcome === outcome).length;
  return { sent: count('SENT'), redispatched: count('REDISPATCH'), failed: count('FAILED') };
}
