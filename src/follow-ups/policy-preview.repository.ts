import type { EntityManager } from 'typeorm';
import type { InteractionKind } from './domain/vocabulary.js';

/** Nothing the rest of the transaction runs can write: a preview's guarantee that it stores nothing. */
export async function readOnlyTransaction(manager: EntityManager): Promise<void> {
  await manager.query(`SET TRANSACTION READ ONLY`);
}

/**
 * The center's students with an OPEN gap of this kind (not erased), in id order: up to `limit` after `after`
 * (null: from the first), so a background run walks them in batches. The gaps' kind column (copied from their
 * interaction by trigger) and the walk index keep this to an index scan.
 */
export async function studentsWithOpenGapsOfKind(
  manager: EntityManager,
  centerId: string,
  kind: InteractionKind,
  after: string | null,
  limit: number,
): Promise<string[]> {
  const rows = await manager.query<{ student_id: string }[]>(
    `SELECT DISTINCT g.student_id FROM gaps g JOIN students s ON s.id = g.student_id AND s.erased_at IS NULL
     WHERE g.center_id = $1 AND g.kind = $2 AND g.state = 'OPEN' AND ($3::uuid IS NULL OR g.student_id > $3::uuid)
     ORDER BY g.student_id LIMIT $4`,
    [centerId, kind, after, limit],
  );
  return rows.map((row) => row.student_id);
}

/** How many students studentsWithOpenGapsOfKind walks in all: a background run's progress total. */
export async function countStudentsWithOpenGapsOfKind(
  manager: EntityManager,
  centerId: string,
  kind: InteractionKind,
): Promise<number> {
  const [row] = await manager.query<{ students: number }[]>(
    `SELECT count(DISTINCT g.student_id)::int AS students
     FROM gaps g JOIN students s ON s.id = g.student_id AND s.erased_at IS NULL
     WHERE g.center_id = $1 AND g.kind = $2 AND g.state = 'OPEN'`,
    [centerId, kind],
  );
  return row.students;
}

/** Student and interaction external ids of the given interactions (for a preview's samples). */
export async function sampleExternalIds(
  manager: EntityManager,
  centerId: string,
  interactionIds: string[],
): Promise<Map<string, { student: string; interaction: string }>> {
  const rows = await manager.query<{ id: string; student: string; interaction: string }[]>(
    `SELECT i.id, s.external_id AS student, i.external_id AS interaction
     FROM interactions i JOIN students s ON s.id = i.student_id
     WHERE i.center_id = $1 AND i.id = ANY($2::uuid[])`,
    [centerId, interactionIds],
  );
  return new Map(rows.map((r) => [r.id, { student: r.student, interaction: r.interaction }]));
}
