import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { selectInstantIdPage, type ListQuery, type Page } from '../common/pagination.js';

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
  async insert(
    manager: EntityManager,
    centerId: string,
    key: { prefix: string; hash: Buffer },
  ): Promise<{ id: string; createdAt: Date }> {
    const [row] = await manager.query<{ id: string; createdAt: Date }[]>(
      `INSERT INTO api_keys (center_id, prefix, key_hash) VALUES ($1, $2, $3) RETURNING id, created_at AS "createdAt"`,
      [centerId, key.prefix, key.hash],
    );
    return row;
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

  /** The ids of the center's active keys, locked FOR UPDATE in the caller's transaction. */
  async lockActive(manager: EntityManager, centerId: string): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(
      `SELECT id FROM api_keys WHERE center_id = $1 AND revoked_at IS NULL FOR UPDATE`,
      [centerId],
    );
    return rows.map((r) => r.id);
  }

  /** Marks the center's key revoked, in the caller's transaction. */
  async revoke(manager: EntityManager, centerId: string, id: string): Promise<void> {
    await manager.query(`UPDATE api_keys SET revoked_at = now() WHERE center_id = $1 AND id = $2`, [
      centerId,
      id,
    ]);
  }

  /**
   * The active key with this prefix (unique), its hash included. Not scoped to a center: this is how a
   * presented key finds its center.
   */
  async findActiveByPrefix(
    prefix: string,
  ): Promise<{ id: string; centerId: string; keyHash: Buffer } | undefined> {
    const [row] = await this.dataSource.query<{ id: string; centerId: string; keyHash: Buffer }[]>(
      `SELECT id, center_id AS "centerId", key_hash AS "keyHash" FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL`,
      [prefix],
    );
    return row;
  }
}
