import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { FOLLOW_UP_JOBS, QUEUES } from '../jobs/queue-names.js';
import { PoliciesService } from './policies.service.js';
import { PolicyPreviewService } from './policy-preview.service.js';
import { STARTED_WHEN_QUEUES_ARE_READY } from '../jobs/queue-readiness.js';

@Processor(QUEUES.followUps, { ...STARTED_WHEN_QUEUES_ARE_READY })
export class FollowUpsProcessor extends WorkerHost {
  constructor(
    private readonly policies: PoliciesService,
    private readonly previews: PolicyPreviewService,
  ) {
    super();
  }

  async process(job: Job<{ centerId?: unknown; previewId?: unknown }>): Promise<void> {
    // Payloads are re-validated where they are read: ids only.
    const { centerId, previewId } = job.data;
    if (job.name === FOLLOW_UP_JOBS.recomputeCenter && typeof centerId === 'string')
      return this.policies.recomputeCenter(centerId);
    if (job.name === FOLLOW_UP_JOBS.previewPolicy && typeof previewId === 'string')
      return this.previews.runInBackground(previewId);
    throw new Error(`unexpected follow-ups job ${job.name}`);
  }
}
