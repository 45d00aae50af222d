import type { EntityManager } from 'typeorm';

export const ERASED_REASON = 'the student was erased';

/** SET clauses (on `d`, the reason in parameter `reason`): a PENDING delivery is FAILED for good, unclaimed. */
const failIfPending = (reason: string) => `
  status = CASE WHEN d.status = 'PENDING' THEN 'FAILED' ELSE d.status END,
  last_error = CASE WHEN d.status = 'PENDING' THEN 'not sent: ' || ${reason}::text ELSE d.last_error END,
  finished_at = coalesce(d.finished_at, now()), claimed_until = NULL, updated_at = now()`;

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
  await manager.query(
    `UPDATE webhook_deliveries d
     SET payload = jsonb_build_object('type', d.payload->'type', 'timestamp', d.payload->'timestamp',
                     'data', jsonb_build_object('reminderId', d.payload#>'{data,reminderId}', 'center', d.payload#>'{data,center}')),
         erased_at = now(), ${failIfPending('$3')}
     WHERE d.center_id = $1 AND d.erased_at IS NULL
       AND d.reminder_id IN (SELECT id FROM reminders WHERE student_id = $2)`,
    [centerId, studentId, ERASED_REASON],
  );
  // Digests name students by externalId; one that named only this student is left with nothing to say.
  await manager.query(
    `WITH pruned AS (
       SELECT d.id, coalesce(jsonb_agg(s.entry ORDER BY s.n) FILTER (WHERE s.entry->>'externalId' IS DISTINCT FROM $2), '[]') AS students
       FROM webhook_deliveries d CROSS JOIN jsonb_array_elements(d.payload#>'{data,students}') WITH ORDINALITY AS s(entry, n)
       WHERE d.center_id = $1 AND d.event_type = 'followup.escalation' AND d.erased_at IS NULL
         AND d.payload#>'{data,students}' @> jsonb_build_array(jsonb_build_object('externalId', $2::text))
       GROUP BY d.id
     )
     UPDATE webhook_deliveries d SET payload = jsonb_set(d.payload, '{data,students}', p.students), updated_at = now()
     FROM pruned p WHERE d.id = p.id`,
    [centerId, externalId],
  );
  await manager.query(
    `UPDATE webhook_deliveries d SET erased_at = now(), ${failIfPending('$2')}
     WHERE d.center_id = $1 AND d.event_type = 'followup.escalation' AND d.erased_at IS NULL
       AND d.payload#>'{data,students}' = '[]'::jsonb`,
    [centerId, ERASED_REASON],
  );
}
