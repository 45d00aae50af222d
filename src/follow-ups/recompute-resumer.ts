import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { QUEUES, recomputeCenterJob } from '../jobs/queue-names.js';
import { unfinishedRecomputeCenters } from './recompute-runs.repository.js';

/** A run not finished this long after it was requested, with no job for it in the queue, is resumed. */
const GRACE_MS = 60_000;
const IN_FLIGHT = ['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'] as const;

/**
 * Center recomputes (after a policy change, or `npm run recompute`) are rows in policy_recomputes; the job is
 * only the trigger. The sweep calls this so a run whose job was lost (a flushed Redis, an enqueue that failed
 * after commit, a job failed as stalled) is started again instead of staying pending forever.
 */
@Injectable()
export class RecomputeResumer {
  private readonly logger = new Logger(RecomputeResumer.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUES.followUps) private readonly queue: Queue,
  ) {}

  async resumeUnfinished(now: Date): Promise<number> {
    const unfinished = await unfinishedRecomputeCenters(
      this.dataSource.manager,
      new Date(now.getTime() - GRACE_MS),
    );
    if (unfinished.length === 0) return 0;
    const queued = new Set(
      (await this.queue.getJobs([...IN_FLIGHT])).map((job) => (job?.data as { centerId?: unknown }).centerId),
    );
    const lost = unfinished.filter((centerId) => !queued.has(centerId));
    // Ids of their own: an old failed job kept under the run's id would swallow a re-add under the same one.
    await this.queue.addBulk(
      lost.map((centerId) => recomputeCenterJob(centerId, `recompute-${centerId}-resumed-${now.getTime()}`)),
    );
    if (lost.length) this.logger.warn({ centers: lost }, 'resumed unfinished center recomputes');
    return lost.length;
  }
}
