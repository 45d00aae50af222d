import { Injectable } from '@nestjs/common';
import { ConflictError, ErasedError, NotFoundError } from '../common/app-error.js';
import {
  decodeInstantIdCursor,
  DEFAULT_PAGE_SIZE,
  toInstantIdPage,
  type Page,
} from '../common/pagination.js';
import { ReminderScheduler } from '../jobs/reminder-scheduler.js';
import { DeliveryLogRepository } from './delivery-log.repository.js';
import type { DeliveryQuery, DeliveryResource } from './webhook-delivery.dto.js';

@Injectable()
export class WebhookDeliveriesService {
  constructor(
    private readonly deliveries: DeliveryLogRepository,
    private readonly scheduler: ReminderScheduler,
  ) {}

  /** Newest first, keyset-paged, optionally by status; each with its attempts. */
  async list(centerId: string, query: DeliveryQuery): Promise<Page<DeliveryResource>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeInstantIdCursor(query.cursor);
    const rows = await this.deliveries.page(centerId, query.status ?? null, after, limit);
    return toInstantIdPage(rows, limit);
  }

  async get(centerId: string, id: string): Promise<DeliveryResource> {
    const row = await this.deliveries.find(centerId, id);
    if (!row) throw new NotFoundError(`No webhook delivery ${id} in this center.`);
    return row;
  }

  /** Sends the same event again, with the same webhook-id, on a fresh retry schedule. */
  async redeliver(centerId: string, id: string): Promise<DeliveryResource> {
    const row = await this.deliveries.resetForRedelivery(centerId, id);
    if (!row) throw new NotFoundError(`No webhook delivery ${id} in this center.`);
    // Its payload was about a student since erased: there is nothing left to send, ever.
    if (row.erased)
      throw new ErasedError(
        'This delivery was about a student who has since been erased; its content is gone and it cannot be redelivered.',
      );
    // It would only fail again at once: say what to do instead.
    if (row.disabled)
      throw new ConflictError(
        "The delivery's endpoint is disabled: enable it (POST /v1/webhook-endpoints/{id}/enable) once the receiver works, then redeliver.",
      );
    await this.scheduler.scheduleDeliveries([{ id, attempts: 0, at: new Date() }]).catch(() => undefined); // else the sweep does
    return this.get(centerId, id);
  }
}
