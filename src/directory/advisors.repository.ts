import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CenterResourceRepository } from '../common/resource-repository.js';
import { resolveExternalIds } from '../database/sql.js';
import type { AdvisorBulkItem, AdvisorResource } from './advisor.dto.js';

/** The advisors table: get and list come from CenterResourceRepository. */
@Injectable()
export class AdvisorsRepository extends CenterResourceRepository<AdvisorResource> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, {
      noun: 'advisor',
      select: `
  SELECT a.external_id AS "externalId", a.name, a.email, a.timezone, a.created_at AS "createdAt", a.updated_at AS "updatedAt"
  FROM advisors a WHERE a.center_id = $1`,
      key: 'a.external_id',
    });
  }

  /**
   * One statement for the whole batch (`items` sorted by externalId: lock order); created or changed rows
   * come back, unchanged rows are neither rewritten nor returned.
   */
  upsertMany(
    centerId: string,
    items: AdvisorBulkItem[],
  ): Promise<{ external_id: string; inserted: boolean }[]> {
    return this.dataSource.query<{ external_id: string; inserted: boolean }[]>(
      `INSERT INTO advisors AS a (center_id, external_id, name, email, timezone)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])
       ON CONFLICT (center_id, external_id) DO UPDATE
         SET name = EXCLUDED.name, email = EXCLUDED.email, timezone = EXCLUDED.timezone, updated_at = now()
         WHERE (a.name, a.email, a.timezone) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.email, EXCLUDED.timezone)
       RETURNING a.external_id, (a.xmax = 0) AS inserted`,
      [
        centerId,
        items.map((i) => i.externalId),
        items.map((i) => i.name),
        items.map((i) => i.email),
        items.map((i) => i.timezone),
      ],
    );
  }

  /** externalId → row id of the given advisors the center has, in the caller's transaction. */
  idsByExternalId(
    manager: EntityManager,
    centerId: string,
    externalIds: Iterable<string>,
  ): Promise<Map<string, string>> {
    return resolveExternalIds(manager, 'advisors', centerId, externalIds);
  }
}
