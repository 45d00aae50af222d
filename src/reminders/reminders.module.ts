import { Module, type DynamicModule } from '@nestjs/common';
import { DispatchService } from './dispatch.service.js';
import { DueRemindersRepository } from './due-reminders.repository.js';
import { EscalationService } from './escalation.service.js';
import { EscalationsRepository } from './escalations.repository.js';
import { RemindersProcessor } from './reminders.processor.js';
import { SweepScheduler } from './sweep.scheduler.js';
import { SweepService } from './sweep.service.js';
import { RemindersRepository } from './reminders.repository.js';
import { ReplanService } from './replan.service.js';
import { FollowUpsModule } from '../follow-ups/follow-ups.module.js';

/**
 * What the engine scheduled, when it is due (worker role): dispatch claims due reminders and hands their
 * deliveries to the webhooks module; escalation digests; the sweep. `webhooks` is the app's one
 * WebhooksModule, passed in so both import the same instance.
 */
@Module({})
export class RemindersModule {
  static forRoot(options: { runsWorkers: boolean; webhooks: DynamicModule }): DynamicModule {
    return {
      module: RemindersModule,
      imports: options.runsWorkers ? [FollowUpsModule, options.webhooks] : [],
      providers: options.runsWorkers
        ? [
            DispatchService,
            SweepService,
            ReplanService,
            EscalationService,
            RemindersProcessor,
            SweepScheduler,
            DueRemindersRepository,
            RemindersRepository,
            EscalationsRepository,
          ]
        : [],
    };
  }
}
