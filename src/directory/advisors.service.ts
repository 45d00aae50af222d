import { Injectable } from '@nestjs/common';
import { classifyUpserts, type UpsertOutcome } from '../common/bulk.js';
import type { ListQuery, Page } from '../common/pagination.js';
import type { ResourceService } from '../common/resource.controller.js';
import { byKey } from '../database/sql.js';
import type { AdvisorBulkItem, AdvisorResource } from './advisor.dto.js';
import { AdvisorsRepository } from './advisors.repository.js';

@Injectable()
export class AdvisorsService implements ResourceService<AdvisorBulkItem, AdvisorResource> {
  constructor(private readonly advisors: AdvisorsRepository) {}

  /** One statement for the whole batch; unchanged rows are not rewritten. */
  async upsertMany(centerId: string, items: AdvisorBulkItem[]): Promise<UpsertOutcome[]> {
    const sorted = [...items].sort(byKey((i) => i.externalId));
    const rows = await this.advisors.upsertMany(centerId, sorted);
    return classifyUpserts(
      items.map((i) => i.externalId),
      rows,
    ).map((status) => ({ status }));
  }

  get(centerId: string, externalId: string): Promise<AdvisorResource> {
    return this.advisors.get(centerId, externalId);
  }

  list(centerId: string, query: ListQuery): Promise<Page<AdvisorResource>> {
    return this.advisors.list(centerId, query);
  }
}
