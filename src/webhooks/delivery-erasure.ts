import type { EntityManager } from 'typeorm';
import {
  eraseEmptyDigests,
  pruneStudentFromDigests,
  scrubReminderDeliveries,
} from './delivery-log.repository.js';

export const ERASED_REASON = 'the student was erased';

/**
 * Removes an erased student from every webhook delivery that carries them, within the erasure's transaction. A
 * reminder's delivery keeps only its ids (type, time, reminder, center): the student, drafts, companies and
 * contacts go; an escalation digest loses the student's entry. A delivery left with nothing to say is marked
 * erased (redelivery answers 410) and, if still PENDING, FAILED, so no retry or sweep sends it.
 */
export async function eraseFromDeliveries(
  manager: EntityManager,
  centerId: string,
  studentId: string,
  externalId: string,
): Promise<void> {
  await scrubReminderDeliveries(manager, centerId, studentId, ERASED_REASON);
  // Digests name students by externalId; one that named only this student is left with nothing to say.
  await pruneStudentFromDigests(manager, centerId, externalId);
  await eraseEmptyDigests(manager, centerId, ERASED_REASON);
}
