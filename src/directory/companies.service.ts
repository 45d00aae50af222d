import { Injectable } from '@nestjs/common';
import { classifyUpserts, type UpsertOutcome } from '../common/bulk.js';
import type { ListQuery, Page } from '../common/pagination.js';
import type { ResourceService } from '../common/resource.controller.js';
import { byKey } from '../database/sql.js';
import { CompaniesRepository } from './companies.repository.js';
import type { CompanyBulkItem, CompanyResource } from './company.dto.js';

@Injectable()
export class CompaniesService implements ResourceService<CompanyBulkItem, CompanyResource> {
  constructor(private readonly companies: CompaniesRepository) {}

  /** One statement for the whole batch; unchanged rows are not rewritten. */
  async upsertMany(centerId: string, items: CompanyBulkItem[]): Promise<UpsertOutcome[]> {
    const sorted = [...items].sort(byKey((i) => i.externalId));
    const rows = await this.companies.upsertMany(centerId, sorted);
    return classifyUpserts(
      items.map((i) => i.externalId),
      rows,
    ).map((status) => ({ status }));
  }

  get(centerId: string, externalId: string): Promise<CompanyResource> {
    return this.companies.get(centerId, externalId);
  }

  list(centerId: string, query: ListQuery): Promise<Page<CompanyResource>> {
    return this.companies.list(centerId, query);
  }
}
