import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { QUEUES, REMINDER_JOBS } from '../jobs/queue-names.js';
import { DispatchService } from './dispatch.service.js';
import { EscalationService } from './escalation.service.js';
import { SweepService } from './sweep.service.js';

@Processor(QUEUES.reminders, { concurrency: 10 })
export class RemindersProcessor extends WorkerHost {
  constructor(
    private readonly dispatcher: DispatchService,
    private readonly sweeper: SweepService,
    private readonly escalations: EscalationService,
  ) {
    super();
  }

  async process(job: Job<{ reminderId?: unknown }>): Promise<unknown> {
    if (job.name === REMINDER_JOBS.sweep) return this.sweeper.sweep();
    if (job.name === REMINDER_JOBS.escalate) return this.escalations.run();
    const reminderId = job.data.reminderId; // payloads carry ids only; re-checked where read
    if (job.name !== REMINDER_JOBS.dispatch || typeof reminderId !== 'string')
      throw new Error(`unexpected reminders job ${job.name}`);
    await this.dispatcher.dispatch(reminderId);
    return undefined;
  }
}
