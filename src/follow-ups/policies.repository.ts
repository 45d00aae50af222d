import type { EntityManager } from 'typeorm';
import { DEFAULT_POLICY, type Policy } from './domain/policy.js';
import { INTERACTION_KINDS, type InteractionKind } from './domain/vocabulary.js';

/** The center's policy: the SPEC defaults, overridden per kind by center_policies rows. */
export async function loadPolicy(manager: EntityManager, centerId: string): Promise<Policy> {
  const rows = await manager.query<
    {
      kind: InteractionKind;
      first_nudge_after: string;
      ideal_within: string;
      overdue_after: string;
      check_ins: boolean;
    }[]
  >(
    `SELECT kind, first_nudge_after, ideal_within, overdue_after, check_ins FROM center_policies WHERE center_id = $1`,
    [centerId],
  );
  const policy: Policy = { ...DEFAULT_POLICY };
  for (const row of rows) {
    if (!INTERACTION_KINDS.includes(row.kind)) continue;
    policy[row.kind] = {
      thankYou: {
        firstNudgeAfter: row.first_nudge_after,
        idealWithin: row.ideal_within,
        overdueAfter: row.overdue_after,
      },
      checkIns: row.check_ins,
    };
  }
  return policy;
}

/** The center's windows for one kind, stored; true when the center had no policy of its own for it yet. */
export async function upsertCenterPolicy(
  manager: EntityManager,
  centerId: string,
  kind: InteractionKind,
  windows: { firstNudgeAfter: string; idealWithin: string; overdueAfter: string; checkIns: boolean },
): Promise<boolean> {
  // xmax = 0 only on a row this statement inserted (an upsert's update sets it).
  const [row] = await manager.query<{ created: boolean }[]>(
    `INSERT INTO center_policies (center_id, kind, first_nudge_after, ideal_within, overdue_after, check_ins)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (center_id, kind) DO UPDATE SET first_nudge_after = EXCLUDED.first_nudge_after, ideal_within = EXCLUDED.ideal_within,
       overdue_after = EXCLUDED.overdue_after, check_ins = EXCLUDED.check_ins, updated_at = now()
     RETURNING xmax = 0 AS created`,
    [centerId, kind, windows.firstNudgeAfter, windows.idealWithin, windows.overdueAfter, windows.checkIns],
  );
  return row.created;
}
