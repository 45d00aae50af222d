import type { EntityManager } from 'typeorm';
import { ERASED_REASON } from '../webhooks/delivery-erasure.js';

/**
 * Locks the student's reminders still SCHEDULED, first thing in an erasure: a dispatcher claiming one
 * either committed its deliveries before (so eraseFromDeliveries, later in the erasure, sees and scrubs
 * them) or waits and then finds it cancelled.
 */
export async function lockPendingReminders(manager: EntityManager, studentId: string): Promise<void> {
  await manager.query(
    `SELECT 1 FROM reminders WHERE student_id = $1 AND status = 'SCHEDULED' ORDER BY id FOR UPDATE`,
    [studentId],
  );
}

/** The student's reminders still SCHEDULED, claimed ones included (a recompute leaves those alone), are cancelled. */
export async function cancelErasedStudentsReminders(
  manager: EntityManager,
  studentId: string,
): Promise<void> {
  await manager.query(
    `UPDATE reminders SET status = 'CANCELLED', cancel_reason = $2, updated_at = now()
     WHERE student_id = $1 AND status = 'SCHEDULED'`,
    [studentId, ERASED_REASON],
  );
}
