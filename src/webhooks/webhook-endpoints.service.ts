import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { NotFoundError, UnprocessableError } from '../common/app-error.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { selectInstantIdPage, type ListQuery, type Page } from '../common/pagination.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import type {
  CreateWebhookEndpointBody,
  CreatedWebhookEndpoint,
  WebhookEndpointResource,
} from './webhook-endpoint.dto.js';
import { generateWebhookSecret, sealSecret } from './webhook-secret.js';
import { resolvesToPrivateAddress } from './ssrf-guard.js';

/** After a rotation, deliveries are signed with both secrets this long, so receivers can switch over. */
const PREVIOUS_SECRET_VALID_MS = 24 * 3600 * 1000;

const COLUMNS = `id, url, event_types AS "eventTypes", disabled_at IS NOT NULL AS disabled, disabled_reason AS "disabledReason",
  CASE WHEN previous_secret_expires_at > now() THEN previous_secret_expires_at END AS "previousSecretExpiresAt", created_at AS "createdAt"`;

@Injectable()
export class WebhookEndpointsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(centerId: string, body: CreateWebhookEndpointBody): Promise<CreatedWebhookEndpoint> {
    if (
      !this.runtime.config.webhookAllowPrivateNetworks &&
      (await resolvesToPrivateAddress(new URL(body.url)))
    ) {
      throw new UnprocessableError(
        'The webhook URL resolves to a loopback, private or link-local address, which is not allowed.',
        [{ path: 'url', message: 'must resolve to a public address' }],
      );
    }
    const secret = generateWebhookSecret();
    const [row] = await this.dataSource.query<WebhookEndpointResource[]>(
      `INSERT INTO webhook_endpoints (center_id, url, event_types, secret) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [centerId, body.url, body.eventTypes, sealSecret(this.runtime.secrets.encryptionKey, secret)],
    );
    return { ...row, secret };
  }

  /** The center's endpoints, oldest first, as keyset pages. */
  list(centerId: string, query: ListQuery): Promise<Page<WebhookEndpointResource>> {
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

  async get(centerId: string, id: string): Promise<WebhookEndpointResource> {
    const [row] = await this.dataSource.query<WebhookEndpointResource[]>(
      `SELECT ${COLUMNS} FROM webhook_endpoints WHERE center_id = $1 AND id = $2`,
      [centerId, id],
    );
    if (!row) throw new NotFoundError(`No webhook endpoint ${id} in this center.`);
    return row;
  }

  async delete(centerId: string, id: string): Promise<void> {
    const [, deleted] = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM webhook_endpoints WHERE center_id = $1 AND id = $2`,
      [centerId, id],
    );
    if (deleted === 0) throw new NotFoundError(`No webhook endpoint ${id} in this center.`);
  }

  /**
   * Enables a disabled endpoint again (after a 410 or 5 days of failures, once the receiver is fixed), with a
   * clean failure record. Pending deliveries to it are sent at their next attempt; failed ones can be
   * redelivered. On an endpoint that is not disabled it changes nothing: its failure record still counts.
   */
  async enable(centerId: string, id: string): Promise<WebhookEndpointResource> {
    const [row] = await this.dataSource.query<WebhookEndpointResource[]>(
      `WITH enabled AS (
         UPDATE webhook_endpoints SET disabled_at = NULL, disabled_reason = NULL,
           failing_since = CASE WHEN disabled_at IS NULL THEN failing_since END, updated_at = now()
         WHERE center_id = $1 AND id = $2 RETURNING ${COLUMNS}
       ) SELECT * FROM enabled`,
      [centerId, id],
    );
    if (!row) throw new NotFoundError(`No webhook endpoint ${id} in this center.`);
    return row;
  }

  /** A new secret, shown once; the old one keeps signing (alongside) for 24 hours. */
  async rotateSecret(centerId: string, id: string): Promise<CreatedWebhookEndpoint> {
    const secret = generateWebhookSecret();
    const until = new Date(this.clock.now().getTime() + PREVIOUS_SECRET_VALID_MS);
    const [row] = await this.dataSource.query<WebhookEndpointResource[]>(
      `WITH rotated AS (
         UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = $4, secret = $3, updated_at = now()
         WHERE center_id = $1 AND id = $2 RETURNING ${COLUMNS}
       ) SELECT * FROM rotated`,
      [centerId, id, sealSecret(this.runtime.secrets.encryptionKey, secret), until],
    );
    if (!row) throw new NotFoundError(`No webhook endpoint ${id} in this center.`);
    return { ...row, secret };
  }
}
