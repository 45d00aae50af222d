import type { Queryable } from '../resource-repository.js';

/**
 * The idempotency_keys table, keyed by (scope, key): the scope is the calling center's id (or `admin`), so
 * every statement takes it. Module functions, like the follow-up engine's repositories: `db` is the
 * DataSource, or a transaction's EntityManager where the caller's transaction must hold the locks.
 */

export interface StoredKey {
  fingerprint: Buffer;
  status_code: number | null;
  response: Buffer | null;
}

/** Forgets the key if it expired (`ttl`) or was claimed `abandonedAfter` ago with no response since. */
export async function deleteStaleKey(
  db: Queryable,
  scope: string,
  key: string,
  ttl: string,
  abandonedAfter: string,
): Promise<void> {
  await db.query(
    `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2
       AND (created_at < now() - $3::interval OR (status_code IS NULL AND created_at < now() - $4::interval))`,
    [scope, key, ttl, abandonedAfter],
  );
}

/** Claims the key for a request with this fingerprint; false when it is already taken. */
export async function insertKey(
  db: Queryable,
  scope: string,
  key: string,
  fingerprint: Buffer,
): Promise<boolean> {
  const inserted: unknown[] = await db.query(
    `INSERT INTO idempotency_keys (scope, key, fingerprint) VALUES ($1, $2, $3)
     ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
    [scope, key, fingerprint],
  );
  return inserted.length === 1;
}

export async function findKey(db: Queryable, scope: string, key: string): Promise<StoredKey | undefined> {
  const [row] = await db.query<StoredKey[]>(
    `SELECT fingerprint, status_code, response FROM idempotency_keys WHERE scope = $1 AND key = $2`,
    [scope, key],
  );
  return row;
}

/** Stores the (sealed) response of the request that claimed the key. */
export async function storeResponse(
  db: Queryable,
  scope: string,
  key: string,
  statusCode: number,
  sealed: Buffer,
): Promise<void> {
  await db.query(
    `UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE scope = $1 AND key = $2`,
    [scope, key, statusCode, sealed],
  );
}

/** Forgets a claim that has no response yet. */
export async function deleteClaim(db: Queryable, scope: string, key: string): Promise<void> {
  await db.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status_code IS NULL`, [
    scope,
    key,
  ]);
}

/** The scope's stored responses (but those already marked `erasedStatus`), locked FOR UPDATE in key order. */
export function lockStoredResponses(
  db: Queryable,
  scope: string,
  erasedStatus: number,
): Promise<{ key: string; response: Buffer }[]> {
  return db.query<{ key: string; response: Buffer }[]>(
    `SELECT key, response FROM idempotency_keys WHERE scope = $1 AND response IS NOT NULL AND status_code <> $2
     ORDER BY key FOR UPDATE`,
    [scope, erasedStatus],
  );
}

/** Drops the response and fingerprint of the scope's `keys`, which answer `erasedStatus` from then on. */
export async function markErased(
  db: Queryable,
  scope: string,
  keys: string[],
  erasedStatus: number,
): Promise<void> {
  await db.query(
    `UPDATE idempotency_keys SET status_code = $3, response = NULL, fingerprint = decode('', 'hex')
     WHERE scope = $1 AND key = ANY($2::text[])`,
    [scope, keys, erasedStatus],
  );
}

/**
 * Deletes every key older than `ttl`, in every scope: housekeeping, deliberately not scoped to a center.
 * How many went.
 */
export async function deleteExpiredKeys(db: Queryable, ttl: string): Promise<number> {
  const result = await db.query<[unknown[], number]>(
    `DELETE FROM idempotency_keys WHERE created_at < now() - $1::interval`,
    [ttl],
  );
  return result[1];
}
