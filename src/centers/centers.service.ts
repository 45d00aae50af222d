import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiKeysService } from './api-keys.service.js';
import { CentersRepository } from './centers.repository.js';

export interface CreatedCenter {
  id: string;
  name: string;
  timezone: string;
  createdAt: Date;
  apiKey: string;
}

@Injectable()
export class CentersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly centers: CentersRepository,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** Creates a center and its first API key together: a center without a key could never be used. */
  async create(name: string, timezone: string): Promise<CreatedCenter> {
    return this.dataSource.transaction(async (manager) => {
      const center = await this.centers.insert(manager, { name, timezone });
      const key = await this.apiKeys.issue(center.id, manager);
      return {
        id: center.id,
        name: center.name,
        timezone: center.timezone,
        createdAt: center.createdAt,
        apiKey: key.apiKey,
      };
    });
  }
}
