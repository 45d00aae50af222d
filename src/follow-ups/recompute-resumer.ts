import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { previewPolicyJob, QUEUES, recomputeCenterJob } from '../jobs/queue-names.js';
import { deleteExpiredPolicyPreviews, unfinishedPolicyPreviews } from './policy-preview-runs.repository.js';
import { unfinishedRecomputeCenters } from './recompute-runs.repository.js';

/** A run not finished this long after it was requested, with no job for it in the queue, is resumed. */
const GRACE_MS = 60_000;
const IN_FLIGHT = ['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'] as const;

/**
 * Center recomputes (after a policy change, or `npm run recompute`) are rows in policy_recomputes; the job is
 * only the trigger. The sweep calls this so a run whose job was lost (a flushed Redis, an enqueue that failed
 * after commit, a job failed as stalled) is started again instead of staying pending forever. Background policy
 * previews (policy_previews) are runs of the same kind on the same queue: resumed the same way, and deleted
 * here once expired.
 */
@Injectable()
export class RecomputeResumer {
  private readonly logger = new Logger(RecomputeResumer.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUES.followUps) private readonly queue: Queue,
  ) {}

  /** Resumes lost center recomputes (how many: the return value) and lost policy previews. */
  async resumeUnfinished(now: Date): Promise<number> {
    await this.resumePreviews(now);
    const unfinished = await unfinishedRecomputeCenters(
      this.dataSource.manager,
      new Date(now.getTime() - GRACE_MS),
    );
    if (unfinished.length === 0) return 0;
    const queued = await this.queuedIds('centerId');
    const lost = unfinished.filter((centerId) => !queued.has(centerId));
    // Ids of their own: an old failed job kept under the run's id would swallow a re-add under the same one.
    await this.queue.addBulk(
      lost.map((centerId) => recomputeCenterJob(centerId, `recompute-${centerId}-resumed-${now.getTime()}`)),
    );
    if (lost.length) this.logger.warn({ centers: lost }, 'resumed unfinished center recomputes');
    return lost.length;
  }

  private async resumePreviews(now: Date): Promise<void> {
    const manager = this.dataSource.manager;
    await deleteExpiredPolicyPreviews(manager, now);
    const unfinished = await unfinishedPolicyPreviews(manager, new Date(now.getTime() - GRACE_MS), now);
    if (unfinished.length === 0) return;
    const queued = await this.queuedIds('previewId');
    const lost = unfinished.filter((previewId) => !queued.has(previewId));
    await this.queue.addBulk(
      lost.map((previewId) =>
        previewPolicyJob(previewId, `policy-preview-${previewId}-resumed-${now.getTime()}`),
      ),
    );
    if (lost.length) this.logger.warn({ previews: lost }, 'resumed unfinished policy previews');
  }

  /** The ids (`centerId` of recomputes, `previewId` of previews) the queue's in-flight jobs carry. */
  private async queuedIds(key: 'centerId' | 'previewId'): Promise<Set<unknown>> {
    const jobs = await this.queue.getJobs([...IN_FLIGHT]);
    return new Set(jobs.map((job) => (job?.data as Record<string, unknown> | undefined)?.[key]));
  }
}
