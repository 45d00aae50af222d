import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { selectInstantIdPage, type ListQuery, type Page } from '../common/pagination.js';
import type { WebhookEndpointResource } from './webhook-endpoint.dto.js';

const COLUMNS = `id, url, event_types AS "eventTypes", disabled_at IS NOT NULL AS disabled, disabled_reason AS "disabledReason",
  CASE WHEN previous_secret_expires_at > now() THEN previous_secret_expires_at END AS "previousSecretExpiresAt", created_at AS "createdAt"`;

/**
 * The webhook_endpoints table: a center's endpoints as the REST API shows them (every statement scoped to the
 * center), and the health the sender keeps per endpoint (by id, from a delivery the worker already holds).
 */
@Injectable()
export class EndpointsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(
    centerId: string,
    endpoint: { url: string; eventTypes: string[]; sealedSecret: Buffer },
  ): Promise<WebhookEndpointResource> {
    const [row] = await this.dataSource.query<WebhookEndpointResource[]>(
      `INSERT INTO webhook_endpoints (center_id, url, event_types, secret) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [centerId, endpoint.url, endpoint.eventTypes, endpoint.sealedSecret],
    );
    return row;
  }

  /** The center's endpoints, oldest first, as keyset pages. */
  page(centerId: string, query: ListQuery): Promise<Page<WebhookEndpointResource>> {
    return selectInstantIdPage<WebhookEndpointResource>(
      (sql, params) => this.dataSource.query(sql, params),
      {
        columns: COLUMNS,
        from: 'webhook_endpoints',
        where: 'center_id = $1',
        params: [centerId],
        instant: 'created_at',
        id: 'id',
      },
      query,
    );
  }

  async find(centerId: string, id: string): Promise<WebhookEndpointResource | undefined> {
    const [row] = await this.dataSource.query<WebhookEndpointResource[]>(
      `SELECT ${COLUMNS} FROM webhook_endpoints WHERE center_id = $1 AND id = $2`,
      [centerId, id],
    );
    return row;
  }

  /** Whether there was one to delete (its deliveries go with it: ON DELETE CASCADE). */
  async delete(centerId: string, id: string): Promise<boolean> {
    const [, deleted] = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM webhook_endpoints WHERE center_id = $1 AND id = $2`,
      [centerId, id],
    );
    return deleted > 0;
  }

  /** Enabled again with a clean failure record; one that was not disabled keeps its failure clock. */
  async enable(centerId: string, id: string): Promise<WebhookEndpointResource | undefined> {
    const [row] = await this.dataSource.query<WebhookEndpointResource[]>(
      `WITH enabled AS (
         UPDATE webhook_endpoints SET disabled_at = NULL, disabled_reason = NULL,
           failing_since = CASE WHEN disabled_at IS NULL THEN failing_since END, updated_at = now()
         WHERE center_id = $1 AND id = $2 RETURNING ${COLUMNS}
       ) SELECT * FROM enabled`,
      [centerId, id],
    );
    return row;
  }

  /** The current secret becomes the previous one, valid until `previousValidUntil`. */
  async rotateSecret(
    centerId: string,
    id: string,
    sealedSecret: Buffer,
    previousValidUntil: Date,
  ): Promise<WebhookEndpointResource | undefined> {
    const [row] = await this.dataSource.query<WebhookEndpointResource[]>(
      `WITH rotated AS (
         UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = $4, secret = $3, updated_at = now()
         WHERE center_id = $1 AND id = $2 RETURNING ${COLUMNS}
       ) SELECT * FROM rotated`,
      [centerId, id, sealedSecret, previousValidUntil],
    );
    return row;
  }

  /** As the sender finds it now (undefined once deleted). */
  async disabledState(
    id: string,
  ): Promise<{ disabled: boolean; disabled_reason: string | null } | undefined> {
    const [endpoint] = await this.dataSource.query<{ disabled: boolean; disabled_reason: string | null }[]>(
      `SELECT disabled_at IS NOT NULL AS disabled, disabled_reason FROM webhook_endpoints WHERE id = $1`,
      [id],
    );
    return endpoint;
  }

  /** The receiver answered 410 Gone. */
  async disableGone(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_endpoints SET disabled_at = now(), disabled_reason = 'the receiver answered 410 Gone', updated_at = now() WHERE id = $1`,
      [id],
    );
  }

  /** Failing since `at` unless it already was; returns since when (undefined once deleted). */
  async markFailing(id: string, at: Date): Promise<Date | undefined> {
    const [endpoint] = await this.dataSource.query<{ failing_since: Date }[]>(
      `WITH marked AS (
         UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, $2) WHERE id = $1 RETURNING failing_since
       ) SELECT * FROM marked`,
      [id, at],
    );
    return endpoint?.failing_since;
  }

  /** Disabled for `reason`, unless it already is (an earlier reason, a 410, stays). */
  async disableIfEnabled(id: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_endpoints SET disabled_at = now(), disabled_reason = $2, updated_at = now()
       WHERE id = $1 AND disabled_at IS NULL`,
      [id, reason],
    );
  }
}
