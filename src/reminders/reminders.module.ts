import { Module, type DynamicModule } from '@nestjs/common';
import { DeliveriesProcessor } from './deliveries.processor.js';
import { DeliveryService } from './delivery.service.js';
import { DispatchService } from './dispatch.service.js';
import { EscalationService } from './escalation.service.js';
import { RemindersProcessor } from './reminders.processor.js';
import { SweepScheduler } from './sweep.scheduler.js';
import { SweepService } from './sweep.service.js';
import { ReplanService } from './replan.service.js';
import { FollowUpsModule } from '../follow-ups/follow-ups.module.js';

/** Sending what the engine scheduled: dispatch, deliveries with retries, escalation digests, the sweep (worker role). */
@Module({})
export class RemindersModule {
  static forRoot(options: { runsWorkers: boolean }): DynamicModule {
    return {
      module: RemindersModule,
      imports: options.runsWorkers ? [FollowUpsModule] : [],
      providers: options.runsWorkers
        ? [
            DispatchService,
            DeliveryService,
            SweepService,
            ReplanService,
            EscalationService,
            RemindersProcessor,
            DeliveriesProcessor,
            SweepScheduler,
          ]
        : [],
    };
  }
}
