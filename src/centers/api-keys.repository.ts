import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { selectInstantIdPage, type ListQuery, type Page } from '../common/pagination.js';
import { ApiKey } from './api-key.entity.js';

export interface ApiKeySummary {
  id: string;
  prefix: string;
  createdAt: Date;
}

/** The api_keys table. Only a hash of each key is stored; the non-secret prefix finds the row. */
@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores a new active key of the center (in `manager`'s transaction, or on its own). */
  insert(manager: EntityManager, centerId: string, key: { prefix: string; hash: Buffer }): Promise<ApiKey> {
    return manager.save(
      manager.create(ApiKey, { centerId, prefix: key.prefix, keyHash: key.hash, revokedAt: null }),
    );
  }

  /** The center's active keys, oldest first, as keyset pages. */
  page(centerId: string, query: ListQuery): Promise<Page<ApiKeySummary>> {
    return selectInstantIdPage<ApiKeySummary>(
      (sql, params) => this.dataSource.query(sql, params),
      {
        columns: 'id, prefix, created_at AS "createdAt"',
        from: 'api_keys',
        where: 'center_id = $1 AND revoked_at IS NULL',
        params: [centerId],
        instant: 'created_at',
        id: 'id',
      },
      query,
    );
  }

  /** The center's active keys, locked FOR UPDATE in the caller's transaction. */
  lockActive(manager: EntityManager, centerId: string): Promise<ApiKey[]> {
    return manager
      .createQueryBuilder(ApiKey, 'k')
      .where('k.center_id = :centerId AND k.revoked_at IS NULL', { centerId })
      .setLock('pessimistic_write')
      .getMany();
  }

  /** Marks the center's key revoked, in the caller's transaction. */
  async revoke(manager: EntityManager, centerId: string, id: string): Promise<void> {
    await manager.update(ApiKey, { id, centerId }, { revokedAt: () => 'now()' });
  }

  /**
   * The active key with this prefix, its hash included. Not scoped to a center: this is how a presented key
   * finds its center.
   */
  async findActiveByPrefix(prefix: string): Promise<ApiKey | null> {
    return this.dataSource.manager
      .createQueryBuilder(ApiKey, 'k')
      .addSelect('k.keyHash')
      .where('k.prefix = :prefix AND k.revoked_at IS NULL', { prefix })
      .getOne();
  }
}
