import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { NotFoundError } from '../common/app-error.js';
import { classifyUpserts, type UpsertOutcome } from '../common/bulk.js';
import { selectPage, type ListQuery, type Page } from '../common/pagination.js';
import type { ResourceService } from '../common/resource.controller.js';
import { byKey } from '../database/sql.js';
import type { CompanyBulkItem, CompanyResource } from './company.dto.js';

const SELECT = `
  SELECT c.external_id AS "externalId", c.name, c.industry, c.created_at AS "createdAt", c.updated_at AS "updatedAt"
  FROM companies c WHERE c.center_id = $1`;

@Injectable()
export class CompaniesService implements ResourceService<CompanyBulkItem, CompanyResource> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One statement for the whole batch; unchanged rows are not rewritten. */
  async upsertMany(centerId: string, items: CompanyBulkItem[]): Promise<UpsertOutcome[]> {
    const sorted = [...items].sort(byKey((i) => i.externalId));
    const rows = await this.dataSource.query<{ external_id: string; inserted: boolean }[]>(
      `INSERT INTO companies AS c (center_id, external_id, name, industry)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])
       ON CONFLICT (center_id, external_id) DO UPDATE
         SET name = EXCLUDED.name, industry = EXCLUDED.industry, updated_at = now()
         WHERE (c.name, c.industry) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.industry)
       RETURNING c.external_id, (c.xmax = 0) AS inserted`,
      [
        centerId,
        sorted.map((i) => i.externalId),
        sorted.map((i) => i.name),
        sorted.map((i) => i.industry ?? null),
      ],
    );
    return classifyUpserts(
      items.map((i) => i.externalId),
      rows,
    ).map((status) => ({ status }));
  }

  async get(centerId: string, externalId: string): Promise<CompanyResource> {
    const [row] = await this.dataSource.query<CompanyResource[]>(`${SELECT} AND c.external_id = $2`, [
      centerId,
      externalId,
    ]);
    if (!row) throw new NotFoundError(`No company ${externalId} in this center.`);
    return row;
  }

  list(centerId: string, query: ListQuery): Promise<Page<CompanyResource>> {
    return selectPage(
      (sql, params) => this.dataSource.query<CompanyResource[]>(sql, params),
      SELECT,
      [centerId],
      'c.external_id',
      query,
    );
  }
}
