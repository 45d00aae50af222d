import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError, NotFoundError } from '../common/app-error.js';
import type { ListQuery, Page } from '../common/pagination.js';
import { ApiKeysRepository, type ApiKeySummary } from './api-keys.repository.js';
import { generateApiKey, hashesEqual, hashSecret, parseApiKeyPrefix } from './api-key.secret.js';

export interface IssuedApiKey {
  id: string;
  prefix: string;
  createdAt: Date;
  /** The key itself: returned once, never stored. */
  apiKey: string;
}

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeysRepository,
  ) {}

  async issue(centerId: string, manager: EntityManager = this.dataSource.manager): Promise<IssuedApiKey> {
    const { key, prefix, hash } = generateApiKey();
    const row = await this.apiKeys.insert(manager, centerId, { prefix, hash });
    return { id: row.id, prefix, createdAt: row.createdAt, apiKey: key };
  }

  /** The center's active keys, oldest first, as keyset pages. */
  list(centerId: string, query: ListQuery): Promise<Page<ApiKeySummary>> {
    return this.apiKeys.page(centerId, query);
  }

  /** Revokes one of the center's keys; refuses to revoke its last active key, which would lock the center out. */
  async revoke(centerId: string, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // Lock the center's active keys so two concurrent revocations cannot both pass the "last key" check.
      const active = await this.apiKeys.lockActive(manager, centerId);
      if (!active.includes(id)) throw new NotFoundError(`No active API key ${id} in this center.`);
      if (active.length === 1) {
        throw new ConflictError(
          "This is the center's last active API key; create a new one before revoking it.",
        );
      }
      await this.apiKeys.revoke(manager, centerId, id);
    });
  }

  /** The center a presented key belongs to, or undefined for a malformed, unknown or revoked key. */
  async authenticate(presented: string): Promise<{ centerId: string; apiKeyId: string } | undefined> {
    const prefix = parseApiKeyPrefix(presented);
    if (!prefix) return undefined;
    const row = await this.apiKeys.findActiveByPrefix(prefix);
    if (!row || !hashesEqual(row.keyHash, hashSecret(presented))) return undefined;
    return { centerId: row.centerId, apiKeyId: row.id };
  }
}
