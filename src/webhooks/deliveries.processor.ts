import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { DELIVERY_JOBS, QUEUES } from '../jobs/queue-names.js';
import { DeliveryService } from './delivery.service.js';
import { STARTED_WHEN_QUEUES_ARE_READY } from '../jobs/queue-readiness.js';

/** Deliveries wait on the network, so one worker runs many at once. */
@Processor(QUEUES.deliveries, { ...STARTED_WHEN_QUEUES_ARE_READY, concurrency: 32 })
export class DeliveriesProcessor extends WorkerHost {
  constructor(private readonly deliveries: DeliveryService) {
    super();
  }

  async process(job: Job<{ deliveryId?: unknown }>): Promise<void> {
    const deliveryId = job.data.deliveryId;
    if (job.name !== DELIVERY_JOBS.deliver || typeof deliveryId !== 'string')
      throw new Error(`unexpected deliveries job ${job.name}`);
    await this.deliveries.attempt(deliveryId);
  }
}
