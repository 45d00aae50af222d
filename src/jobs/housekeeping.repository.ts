import type { Queryable } from '../common/resource-repository.js';

/**
 * Housekeeping's statements. They span every center on purpose (maintenance, not a center's request), so
 * unlike the repositories of center data they take no centerId.
 */

/** Deletes API keys revoked more than `retention` before `now`; how many went. */
export async function deleteRevokedApiKeys(db: Queryable, now: Date, retention: string): Promise<number> {
  const result = await db.query<[unknown[], number]>(
    `DELETE FROM api_keys WHERE revoked_at < $1::timestamptz - $2::interval`,
    [now.toISOString(), retention],
  );
  return result[1];
}
