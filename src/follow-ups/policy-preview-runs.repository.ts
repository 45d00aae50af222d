import type { EntityManager } from 'typeorm';
import type { InteractionKind } from './domain/vocabulary.js';
import type { PolicyBody } from './policy.dto.js';
import type { PreviewFigures } from './policy-preview.js';

/** A policy preview run in the background (policy_previews): the status resource of a 202. */
export interface PolicyPreviewRow {
  id: string;
  center_id: string;
  kind: InteractionKind;
  policy: Required<PolicyBody>;
  requested_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  failed_at: Date | null;
  students_done: number;
  students_total: number | null;
  result: PreviewFigures | null;
  expires_at: Date;
}

const COLUMNS = `id, center_id, kind, policy, requested_at, started_at, finished_at, failed_at, students_done,
  students_total, result, expires_at`;

/**
 * For the rest of the transaction, the center's preview requests wait for each other, so "join an identical
 * run, else refuse past the limit, else insert" cannot be raced past the limit. A transaction-level advisory
 * lock: nothing else locks the center's rows for it.
 */
export async function lockCenterPreviews(manager: EntityManager, centerId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext('policy-previews:' || $1::text))`, [centerId]);
}

/** The center's runs neither finished nor failed nor expired, oldest first. */
export async function unfinishedCenterPreviews(
  manager: EntityManager,
  centerId: string,
  now: Date,
): Promise<PolicyPreviewRow[]> {
  return manager.query<PolicyPreviewRow[]>(
    `SELECT ${COLUMNS} FROM policy_previews
     WHERE center_id = $1 AND finished_at IS NULL AND failed_at IS NULL AND expires_at > $2 ORDER BY requested_at`,
    [centerId, now],
  );
}

export async function insertPolicyPreview(
  manager: EntityManager,
  centerId: string,
  kind: InteractionKind,
  policy: Required<PolicyBody>,
  requestedAt: Date,
  expiresAt: Date,
): Promise<PolicyPreviewRow> {
  const [row] = await manager.query<PolicyPreviewRow[]>(
    `INSERT INTO policy_previews (center_id, kind, policy, requested_at, expires_at) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${COLUMNS}`,
    [centerId, kind, JSON.stringify(policy), requestedAt, expiresAt],
  );
  return row;
}

/** The center's run, unless it expired (or never existed, or is another center's). */
export async function policyPreviewRun(
  manager: EntityManager,
  centerId: string,
  id: string,
  now: Date,
): Promise<PolicyPreviewRow | undefined> {
  const [row] = await manager.query<PolicyPreviewRow[]>(
    `SELECT ${COLUMNS} FROM policy_previews WHERE center_id = $1 AND id = $2 AND expires_at > $3`,
    [centerId, id, now],
  );
  return row;
}

/**
 * Marks the run started (again, from zero, when a lost job is resumed). Undefined when there is nothing to run:
 * finished, failed, expired or gone. By id alone: the job carries only the run's id.
 */
export async function startPolicyPreview(
  manager: EntityManager,
  id: string,
  now: Date,
): Promise<PolicyPreviewRow | undefined> {
  const [row] = await manager.query<PolicyPreviewRow[]>(
    // In a CTE so TypeORM returns the rows (for a bare UPDATE it returns [rows, count]).
    `WITH started AS (
       UPDATE policy_previews SET started_at = $2, students_done = 0, students_total = NULL
       WHERE id = $1 AND finished_at IS NULL AND failed_at IS NULL AND expires_at > $2 RETURNING ${COLUMNS}
     ) SELECT * FROM started`,
    [id, now],
  );
  return row;
}

/** Progress: `students` more planned (and, once counted, how many there are in all). */
export async function countPreviewedStudents(
  manager: EntityManager,
  id: string,
  students: number,
  total?: number,
): Promise<void> {
  await manager.query(
    `UPDATE policy_previews SET students_done = students_done + $2, students_total = coalesce($3, students_total)
     WHERE id = $1`,
    [id, students, total ?? null],
  );
}

/** Done with its figures; kept until `expiresAt`. A run already finished (by a resumed twin) is left as it is. */
export async function finishPolicyPreview(
  manager: EntityManager,
  id: string,
  result: PreviewFigures,
  finishedAt: Date,
  expiresAt: Date,
): Promise<void> {
  await manager.query(
    `UPDATE policy_previews SET finished_at = $3, result = $2, expires_at = $4
     WHERE id = $1 AND finished_at IS NULL AND failed_at IS NULL`,
    [id, JSON.stringify(result), finishedAt, expiresAt],
  );
}

export async function failPolicyPreview(manager: EntityManager, id: string, failedAt: Date): Promise<void> {
  await manager.query(`UPDATE policy_previews SET failed_at = $2 WHERE id = $1 AND finished_at IS NULL`, [
    id,
    failedAt,
  ]);
}

/**
 * Runs of every center (the sweep's view) requested before `before`, not finished, failed or expired: those
 * whose job may have been lost.
 */
export async function unfinishedPolicyPreviews(
  manager: EntityManager,
  before: Date,
  now: Date,
): Promise<string[]> {
  const rows = await manager.query<{ id: string }[]>(
    `SELECT id FROM policy_previews
     WHERE finished_at IS NULL AND failed_at IS NULL AND requested_at < $1 AND expires_at > $2`,
    [before, now],
  );
  return rows.map((row) => row.id);
}

/** Deletes expired runs of every center (housekeeping, from the sweep); how many went. */
export async function deleteExpiredPolicyPreviews(manager: EntityManager, now: Date): Promise<number> {
  const result = await manager.query<[unknown[], number]>(
    `DELETE FROM policy_previews WHERE expires_at <= $1`,
    [now],
  );
  return result[1];
}
