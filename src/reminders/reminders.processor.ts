import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { QUEUES, REMINDER_JOBS } from '../jobs/queue-names.js';
import { DispatchService } from './dispatch.service.js';
import { EscalationService } from './escalation.service.js';
import { SweepService } from './sweep.service.js';
import { STARTED_WHEN_QUEUES_ARE_READY } from '../jobs/queue-readiness.js';

@Processor(QUEUES.reminders, { ...STARTED_WHEN_QUEUES_ARE_READY, concurrency: 10 })
export class RemindersProcessor extends WorkerHost {
  constructor(
    private readonly dispatcher: DispatchService,
    private readonly sweeper: SweepService,
    private readonly escalations: EscalationService,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    if (job.name === REMINDER_JOBS.sweep) return this.sweeper.sweep();
    if (job.name === REMINDER_JOBS.escalate) return this.escalations.run();
    // A trigger only: whatever is due is read from PostgreSQL (older jobs' reminderId payloads are not needed).
    if (job.name === REMINDER_JOBS.dispatch) return this.dispatcher.dispatchDue();
    throw new Error(`unexpected reminders job ${job.name}`);
  }
}
