import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { QUEUES, recomputeCenterJob } from '../jobs/queue-names.js';

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
    const runs = await this.dataSource.query<{ center_id: string }[]>(
      `SELECT center_id FROM policy_recomputes WHERE finished_at IS NULL AND requested_at < $1`,
      [new Date(now.getTime() - GRACE_MS)],
    );
    if (runs.length === 0) return 0;
    const queued = new Set(
      (await this.queue.getJobs([...IN_FLIGHT])).map((job) => (job?.data as { centerId?: unknown }).centerId),
    );
    const lost = runs.filter((run) => !queued.has(run.center_id));
    // Ids of their own: an old failed job kept under the run's id would swallow a re-add under the same one.
    await this.queue.addBulk(
      lost.map((run) =>
        recomputeCenterJob(run.center_id, `recompute-${run.center_id}-resumed-${now.getTime()}`),
      ),
    );
    if (lost.length)
      this.logger.warn({ centers: lost.map((r) => r.center_id) }, 'resumed unfinished center recomputes');
    return lost.length;
  }
}
