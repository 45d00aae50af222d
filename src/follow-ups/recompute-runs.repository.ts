import type { EntityManager } from 'typeorm';

/** A center's last recompute run (policy_recomputes), with the center's students not erased now. */
export interface RecomputeRunRow {
  requested_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  students_done: number;
  students_total: number;
}

export async function recomputeRun(
  manager: EntityManager,
  centerId: string,
): Promise<RecomputeRunRow | undefined> {
  const [run] = await manager.query<RecomputeRunRow[]>(
    `SELECT requested_at, started_at, finished_at, students_done,
            (SELECT count(*)::int FROM students s WHERE s.center_id = r.center_id AND s.erased_at IS NULL) AS students_total
     FROM policy_recomputes r WHERE center_id = $1`,
    [centerId],
  );
  return run;
}

/**
 * Records that the center's students are to be recomputed (a new run replaces the last one, from zero).
 * False when there is no such center.
 */
export async function requestRecomputeRun(
  manager: EntityManager,
  centerId: string,
  requestedAt: Date,
): Promise<boolean> {
  const requested = await manager.query<{ id: string }[]>(
    `WITH requested AS (
       INSERT INTO policy_recomputes (center_id, requested_at) SELECT id, $2 FROM centers WHERE id = $1
       ON CONFLICT (center_id) DO UPDATE SET requested_at = EXCLUDED.requested_at, started_at = NULL, finished_at = NULL, students_done = 0
       RETURNING center_id AS id
     ) SELECT id FROM requested`,
    [centerId, requestedAt],
  );
  return requested.length > 0;
}

/**
 * Marks the center's run started, from zero; its requested_at as text, to the microsecond (a JavaScript Date
 * would cut it to milliseconds and never match in finishRecomputeRun). Undefined when nothing was requested.
 */
export async function startRecomputeRun(
  manager: EntityManager,
  centerId: string,
): Promise<string | undefined> {
  const [run] = await manager.query<{ requested_at: string }[]>(
    // In a CTE so TypeORM returns the rows (for a bare UPDATE it returns [rows, count]).
    `WITH started AS (UPDATE policy_recomputes SET started_at = now(), students_done = 0 WHERE center_id = $1 RETURNING requested_at::text AS requested_at)
     SELECT requested_at FROM started`,
    [centerId],
  );
  return run?.requested_at;
}

export async function countRecomputedStudents(
  manager: EntityManager,
  centerId: string,
  students: number,
): Promise<void> {
  await manager.query(
    `UPDATE policy_recomputes SET students_done = students_done + $2 WHERE center_id = $1`,
    [centerId, students],
  );
}

/** Done, unless a newer run was requested meanwhile (then that run's job finishes it). */
export async function finishRecomputeRun(
  manager: EntityManager,
  centerId: string,
  requestedAt: string,
): Promise<void> {
  await manager.query(
    `UPDATE policy_recomputes SET finished_at = now() WHERE center_id = $1 AND requested_at = $2::timestamptz`,
    [centerId, requestedAt],
  );
}

/** Centers (of every center: the sweep's view) whose run was requested before `before` and is not finished. */
export async function unfinishedRecomputeCenters(manager: EntityManager, before: Date): Promise<string[]> {
  const runs = await manager.query<{ center_id: string }[]>(
    `SELECT center_id FROM policy_recomputes WHERE finished_at IS NULL AND requested_at < $1`,
    [before],
  );
  return runs.map((run) => run.center_id);
}
