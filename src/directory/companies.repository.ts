import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CenterResourceRepository } from '../common/resource-repository.js';
import type { CompanyBulkItem, CompanyResource } from './company.dto.js';

/** The companies table: get and list come from CenterResourceRepository. */
@Injectable()
export class CompaniesRepository extends CenterResourceRepository<CompanyResource> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, {
      noun: 'company',
      select: `
  SELECT c.external_id AS "externalId", c.name, c.industry, c.created_at AS "createdAt", c.updated_at AS "updatedAt"
  FROM companies c WHERE c.center_id = $1`,
      key: 'c.external_id',
    });
  }

  /**
   * One statement for the whole batch (`items` sorted by externalId: lock order); created or changed rows
   * come back, unchanged rows are neither rewritten nor returned.
   */
  upsertMany(
    centerId: string,
    items: CompanyBulkItem[],
  ): Promise<{ external_id: string; inserted: boolean }[]> {
    return this.dataSource.query<{ external_id: string; inserted: boolean }[]>(
      `INSERT INTO companies AS c (center_id, external_id, name, industry)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])
       ON CONFLICT (center_id, external_id) DO UPDATE
         SET name = EXCLUDED.name, industry = EXCLUDED.industry, updated_at = now()
         WHERE (c.name, c.industry) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.industry)
       RETURNING c.external_id, (c.xmax = 0) AS inserted`,
      [
        centerId,
        items.map((i) => i.externalId),
        items.map((i) => i.name),
        items.map((i) => i.industry ?? null),
      ],
    );
  }

  /** Whether the center has a company with this external id (contacts live under one). */
  async exists(centerId: string, externalId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM companies WHERE center_id = $1 AND external_id = $2`,
      [centerId, externalId],
    );
    return rows.length > 0;
  }
}
