import { Module, type DynamicModule } from '@nestjs/common';
import { DeliveriesProcessor } from './deliveries.processor.js';
import { DeliveriesRepository } from './deliveries.repository.js';
import { DeliveryLogRepository } from './delivery-log.repository.js';
import { DeliveryService } from './delivery.service.js';
import { EndpointsRepository } from './endpoints.repository.js';
import { WebhookDeliveriesController } from './webhook-deliveries.controller.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookEndpointsController } from './webhook-endpoints.controller.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';

/**
 * Outgoing webhooks, all of them: where events go (endpoints with encrypted signing secrets), what happened to
 * each delivery (api role), and sending them, signed, with retries (worker role). The reminders module decides
 * what is due and hands deliveries over to DeliveryService.
 */
@Module({})
export class WebhooksModule {
  static forRoot(options: { servesApi: boolean; runsWorkers: boolean }): DynamicModule {
    return {
      module: WebhooksModule,
      controllers: options.servesApi ? [WebhookEndpointsController, WebhookDeliveriesController] : [],
      providers: [
        EndpointsRepository, // both roles: the api's CRUD, the sender's endpoint health
        // The api reads the delivery log; the worker writes deliveries, claims them and records the outcomes.
        ...(options.servesApi
          ? [WebhookEndpointsService, WebhookDeliveriesService, DeliveryLogRepository]
          : []),
        ...(options.runsWorkers ? [DeliveryService, DeliveriesProcessor, DeliveriesRepository] : []),
      ],
      // Dispatch and escalation (src/reminders) write the deliveries they hand to DeliveryService.
      exports: options.runsWorkers ? [DeliveryService, DeliveriesRepository] : [],
    };
  }
}
