import type { EntityManager } from 'typeorm';
import { ERASED_REASON } from '../webhooks/delivery-erasure.js';
import { cancelScheduledOf, lockScheduledOf } from './reminders.repository.js';

/**
 * Locks the student's reminders still SCHEDULED, first thing in an erasure: a dispatcher claiming one
 * either committed its deliveries before (so eraseFromDeliveries, later in the erasure, sees and scrubs
 * them) or waits and then finds it cancelled.
 */
export function lockPendingReminders(manager: EntityManager, studentId: string): Promise<void> {
  return lockScheduledOf(manager, studentId);
}

/** The student's reminders still SCHEDULED, claimed ones included (a recompute leaves those alone), are cancelled. */
export function cancelErasedStudentsReminders(manager: EntityManager, studentId: string): Promise<void> {
  return cancelScheduledOf(manager, studentId, ERASED_REASON);
}
