import { Logger } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';

export interface SchedulerSpec {
  id: string;
  everyMs: number;
  jobName: string;
  opts: JobsOptions;
}

/**
 * Registers periodic jobs (BullMQ job schedulers: one schedule however many workers upsert it) and makes sure
 * a vanished one is back within `backWithinMs`, re-creating it (an `every` scheduler fires at once when
 * created). The schedulers live in the queue's store, so a flushed or replaced Redis would otherwise stop the
 * sweep, the digests and housekeeping until a worker restarted. Returns the function that stops the checks.
 */
export async function keepJobSchedulers(
  queue: Queue,
  specs: SchedulerSpec[],
  backWithinMs: number,
): Promise<() => void> {
  // Checking every half of it: a scheduler lost just after its last run is back, and has fired, about one
  // interval after that run (half an interval late at most) rather than up to two intervals.
  const checkEveryMs = Math.max(1, Math.floor(backWithinMs / 2));
  const logger = new Logger('JobSchedulers');
  const upsert = (spec: SchedulerSpec) =>
    queue.upsertJobScheduler(spec.id, { every: spec.everyMs }, { name: spec.jobName, opts: spec.opts });
  for (const spec of specs) await upsert(spec);
  const timer = setInterval(() => {
    void (async () => {
      for (const spec of specs) {
        if (await queue.getJobScheduler(spec.id)) continue;
        await upsert(spec);
        logger.warn(
          { queue: queue.name, scheduler: spec.id },
          'job scheduler was missing (queue store lost?); re-created',
        );
      }
    })().catch((err: unknown) => logger.error({ err, queue: queue.name }, 'checking job schedulers failed'));
  }, checkEveryMs);
  timer.unref();
  return () => clearInterval(timer);
}
