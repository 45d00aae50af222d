import type { EntityManager } from 'typeorm';

/** Tables whose rows the portal names by external id within a center. Never built from input. */
export type ExternallyNamedTable = 'advisors' | 'students' | 'companies' | 'interactions';

/** externalId → row id for the given ids that exist (and are not tombstones) in the center: one query. */
export async function resolveExternalIds(
  manager: EntityManager,
  table: ExternallyNamedTable,
  centerId: string,
  externalIds: Iterable<string>,
): Promise<Map<string, string>> {
  const ids = [...new Set(externalIds)];
  if (ids.length === 0) return new Map();
  const rows = await manager.query<{ id: string; external_id: string }[]>(
    `SELECT id, external_id FROM ${table} WHERE center_id = $1 AND external_id = ANY($2::text[])`,
    [centerId, ids],
  );
  return new Map(rows.map((r) => [r.external_id, r.id]));
}

/** Sorts items by key so that concurrent batches lock rows in the same order and cannot deadlock. */
export function byKey<T>(keyOf: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}

/**
 * SQL rendering the timestamptz `expression` as JavaScript's ISO form (`2026-11-26T01:00:00.000Z`), for JSON
 * built in SQL: json_build_object would write `+00:00` and a varying number of fraction digits instead.
 */
export function isoUtc(expression: string): string {
  return `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
