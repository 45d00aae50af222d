import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { NotFoundError } from '../common/app-error.js';
import { classifyUpserts, type UpsertOutcome } from '../common/bulk.js';
import { selectPage, type ListQuery, type Page } from '../common/pagination.js';
import type { ResourceService } from '../common/resource.controller.js';
import { byKey } from '../database/sql.js';
import type { AdvisorBulkItem, AdvisorResource } from './advisor.dto.js';

const SELECT = `
  SELECT a.external_id AS "externalId", a.name, a.email, a.timezone, a.created_at AS "createdAt", a.updated_at AS "updatedAt"
  FROM advisors a WHERE a.center_id = $1`;

@Injectable()
export class AdvisorsService implements ResourceService<AdvisorBulkItem, AdvisorResource> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One statement for the whole batch; unchanged rows are not rewritten. */
  async upsertMany(centerId: string, items: AdvisorBulkItem[]): Promise<UpsertOutcome[]> {
    const sorted = [...items].sort(byKey((i) => i.externalId));
    const rows = await this.dataSource.query<{ external_id: string; inserted: boolean }[]>(
      `INSERT INTO advisors AS a (center_id, external_id, name, email, timezone)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])
       ON CONFLICT (center_id, external_id) DO UPDATE
         SET name = EXCLUDED.name, email = EXCLUDED.email, timezone = EXCLUDED.timezone, updated_at = now()
         WHERE (a.name, a.email, a.timezone) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.email, EXCLUDED.timezone)
       RETURNING a.external_id, (a.xmax = 0) AS inserted`,
      [
        centerId,
        sorted.map((i) => i.externalId),
        sorted.map((i) => i.name),
        sorted.map((i) => i.email),
        sorted.map((i) => i.timezone),
      ],
    );
    return classifyUpserts(
      items.map((i) => i.externalId),
      rows,
    ).map((status) => ({ status }));
  }

  async get(centerId: string, externalId: string): Promise<AdvisorResource> {
    const [row] = await this.dataSource.query<AdvisorResource[]>(`${SELECT} AND a.external_id = $2`, [
      centerId,
      externalId,
    ]);
    if (!row) throw new NotFoundError(`No advisor ${externalId} in this center.`);
    return row;
  }

  list(centerId: string, query: ListQuery): Promise<Page<AdvisorResource>> {
    return selectPage(
      (sql, params) => this.dataSource.query<AdvisorResource[]>(sql, params),
      SELECT,
      [centerId],
      'a.external_id',
      query,
    );
  }
}
