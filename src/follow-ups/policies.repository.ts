import type { EntityManager } from 'typeorm';
import { DEFAULT_POLICY, INTERACTION_KINDS, type InteractionKind, type Policy } from './domain/policy.js';

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
