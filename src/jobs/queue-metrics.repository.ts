import type { Queryable } from '../common/resource-repository.js';

/**
 * Reminders SCHEDULED and not yet dispatched, in every center (a process-wide gauge, deliberately not
 * scoped to one), and how many of them are due at `now`. Counts come back as strings (bigint).
 */
export async function countScheduledReminders(
  db: Queryable,
  now: Date,
): Promise<{ all: string; due: string }> {
  const [row] = await db.query<{ all: string; due: string }[]>(
    `SELECT count(*) AS all, count(*) FILTER (WHERE scheduled_at <= $1) AS due FROM reminders WHERE status = 'SCHEDULED' AND dispatched_at IS NULL`,
    [now],
  );
  return row;
}
