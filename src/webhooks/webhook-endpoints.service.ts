import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, UnprocessableError } from '../common/app-error.js';
import { CLOCK, type Clock } from '../common/clock.js';
import type { ListQuery, Page } from '../common/pagination.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { EndpointsRepository } from './endpoints.repository.js';
import type {
  CreateWebhookEndpointBody,
  CreatedWebhookEndpoint,
  WebhookEndpointResource,
} from './webhook-endpoint.dto.js';
import { generateWebhookSecret, sealSecret } from './webhook-secret.js';
import { resolvesToPrivateAddress } from './ssrf-guard.js';

/** After a rotation, deliveries are signed with both secrets this long, so receivers can switch over. */
const PREVIOUS_SECRET_VALID_MS = 24 * 3600 * 1000;

@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly endpoints: EndpointsRepository,
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
    const row = await this.endpoints.insert(centerId, {
      url: body.url,
      eventTypes: body.eventTypes,
      sealedSecret: sealSecret(this.runtime.secrets.encryptionKey, secret),
    });
    return { ...row, secret };
  }

  /** The center's endpoints, oldest first, as keyset pages. */
  list(centerId: string, query: ListQuery): Promise<Page<WebhookEndpointResource>> {
    return this.endpoints.page(centerId, query);
  }

  async get(centerId: string, id: string): Promise<WebhookEndpointResource> {
    return found(await this.endpoints.find(centerId, id), id);
  }

  async delete(centerId: string, id: string): Promise<void> {
    if (!(await this.endpoints.delete(centerId, id))) notFound(id);
  }

  /**
   * Enables a disabled endpoint again (after a 410 or 5 days of failures, once the receiver is fixed), with a
   * clean failure record. Pending deliveries to it are sent at their next attempt; failed ones can be
   * redelivered. On an endpoint that is not disabled it changes nothing: its failure record still counts.
   */
  async enable(centerId: string, id: string): Promise<WebhookEndpointResource> {
    return found(await this.endpoints.enable(centerId, id), id);
  }

  /** A new secret, shown once; the old one keeps signing (alongside) for 24 hours. */
  async rotateSecret(centerId: string, id: string): Promise<CreatedWebhookEndpoint> {
    const secret = generateWebhookSecret();
    const until = new Date(this.clock.now().getTime() + PREVIOUS_SECRET_VALID_MS);
    const sealed = sealSecret(this.runtime.secrets.encryptionKey, secret);
    const row = found(await this.endpoints.rotateSecret(centerId, id, sealed, until), id);
    return { ...row, secret };
  }
}

function found(row: WebhookEndpointResource | undefined, id: string): WebhookEndpointResource {
  return row ?? notFound(id);
}

function notFound(id: string): never {
  throw new NotFoundError(`No webhook endpoint ${id} in this center.`);
}
