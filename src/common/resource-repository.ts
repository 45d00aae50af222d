import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError } from './app-error.js';
import { selectPage, type ListQuery, type Page } from './pagination.js';

/** What runs SQL: the DataSource (a statement of its own) or a transaction's EntityManager. */
export type Queryable = Pick<EntityManager, 'query'>;

/** The 404 of a record the calling center does not have: `No <noun> <externalId> in this center.` */
export function notInCenter(noun: string, externalId: string): NotFoundError {
  return new NotFoundError(`No ${noun} ${externalId} in this center.`);
}

/** How a collection named by external id is read. Both strings are constants, never built from input. */
export interface ExternalIdSelect {
  /** `SELECT … WHERE <scope>`: the scope's values are $1…$n, the key column is aliased "externalId". */
  select: string;
  /** The key column (e.g. `a.external_id`): one row is found by it, pages are ordered by it. */
  key: string;
}

/** The row whose key is `externalId` within the scope (`scope`: the values of $1…$n), or undefined. */
export async function selectByExternalId<T>(
  db: Queryable,
  from: ExternalIdSelect,
  scope: unknown[],
  externalId: string,
): Promise<T | undefined> {
  const [row] = await db.query<T[]>(`${from.select} AND ${from.key} = $${scope.length + 1}`, [
    ...scope,
    externalId,
  ]);
  return row;
}

/** A keyset page of the scope's rows, ordered by key (see selectPage). */
export function selectExternalIdPage<T extends { externalId: string }>(
  db: Queryable,
  from: ExternalIdSelect,
  scope: unknown[],
  query: ListQuery,
): Promise<Page<T>> {
  return selectPage((sql, params) => db.query<T[]>(sql, params), from.select, scope, from.key, query);
}

/**
 * The reads every portal-synced collection of a center has, "get one by externalId, else 404" and "list a
 * page", for a collection whose `select` is scoped by `center_id = $1`. Each such aggregate's repository
 * extends it and adds its writes.
 */
export abstract class CenterResourceRepository<T extends { externalId: string }> {
  protected constructor(
    protected readonly dataSource: DataSource,
    private readonly collection: ExternalIdSelect & {
      /** As the 404 names it: `No <noun> <externalId> in this center.` */
      noun: string;
    },
  ) {}

  /** The center's row with this external id; else 404 `No <noun> <externalId> in this center.` */
  async get(centerId: string, externalId: string): Promise<T> {
    const row = await selectByExternalId<T>(this.dataSource, this.collection, [centerId], externalId);
    if (!row) throw notInCenter(this.collection.noun, externalId);
    return row;
  }

  /** A keyset page of the center's rows, ordered by external id. */
  list(centerId: string, query: ListQuery): Promise<Page<T>> {
    return selectExternalIdPage<T>(this.dataSource, this.collection, [centerId], query);
  }
}
