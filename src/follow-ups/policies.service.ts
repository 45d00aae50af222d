import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { NotFoundError, ValidationFailedError } from '../common/app-error.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { QUEUES, recomputeCenterJob } from '../jobs/queue-names.js';
import {
  DEFAULT_POLICY,
  INTERACTION_KINDS,
  parseDuration,
  windowsInOrder,
  type InteractionKind,
} from './domain/policy.js';
import { loadPolicy } from './policies.repository.js';
import type { PolicyBody, PolicyList, RecomputeStatus, StoredPolicy } from './policy.dto.js';
import { GapsService } from './gaps.service.js';
import { transactionWithRetry } from '../database/transaction.js';

/** Students recomputed per transaction when a policy changes. */
const RECOMPUTE_BATCH = 500;

@Injectable()
export class PoliciesService {
  private readonly logger = new Logger(PoliciesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUES.followUps) private readonly queue: Queue,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly gaps: GapsService,
  ) {}

  async list(centerId: string): Promise<PolicyList> {
    const policy = await loadPolicy(this.dataSource.manager, centerId);
    return {
      items: INTERACTION_KINDS.map((kind) => ({
        kind,
        firstNudgeAfter: policy[kind].thankYou?.firstNudgeAfter ?? null,
        idealWithin: policy[kind].thankYou?.idealWithin ?? null,
        overdueAfter: policy[kind].thankYou?.overdueAfter ?? null,
        checkIns: policy[kind].checkIns,
        isDefault: policy[kind] === DEFAULT_POLICY[kind],
      })),
      recompute: await this.recomputeStatus(centerId),
    };
  }

  /** The center's last recompute run with how far it got (students done of the center's students now). */
  async recomputeStatus(centerId: string): Promise<RecomputeStatus | null> {
    const [run] = await this.dataSource.query<
      {
        requested_at: Date;
        started_at: Date | null;
        finished_at: Date | null;
        students_done: number;
        students_total: number;
      }[]
    >(
      `SELECT requested_at, started_at, finished_at, students_done,
              (SELECT count(*)::int FROM students s WHERE s.center_id = r.center_id AND s.erased_at IS NULL) AS students_total
       FROM policy_recomputes r WHERE center_id = $1`,
      [centerId],
    );
    if (!run) return null;
    return {
      status: run.finished_at ? 'done' : run.started_at ? 'running' : 'pending',
      requestedAt: run.requested_at,
      finishedAt: run.finished_at,
      studentsDone: run.students_done,
      // Students added during the run are counted in the total too; a finished run reports all of them.
      studentsTotal: Math.max(run.students_total, run.students_done),
    };
  }

  /**
   * Starts recomputing every student of the center in the background, as a policy change does (for operators:
   * after a rules fix, or to rebuild schedules). Not found when the center does not exist.
   */
  async requestRecompute(centerId: string): Promise<RecomputeStatus> {
    const requestedAt = this.clock.now();
    const [center] = await this.dataSource.query<{ id: string }[]>(
      `WITH requested AS (
         INSERT INTO policy_recomputes (center_id, requested_at) SELECT id, $2 FROM centers WHERE id = $1
         ON CONFLICT (center_id) DO UPDATE SET requested_at = EXCLUDED.requested_at, started_at = NULL, finished_at = NULL, students_done = 0
         RETURNING center_id AS id
       ) SELECT id FROM requested`,
      [centerId, requestedAt],
    );
    if (!center) throw new NotFoundError('No such center.');
    await this.enqueueRecompute(centerId, requestedAt);
    return (await this.recomputeStatus(centerId))!;
  }

  /**
   * Stores the kind's windows and starts recomputing the center's students in the background. `created`: the
   * center had no policy of its own for this kind yet (SPEC 5.1: a PUT that creates answers 201).
   */
  async put(
    centerId: string,
    kind: InteractionKind,
    body: PolicyBody,
  ): Promise<{ created: boolean; policy: StoredPolicy }> {
    const [first, ideal, overdue] = [body.firstNudgeAfter, body.idealWithin, body.overdueAfter].map((d) =>
      parseDuration(d)!,
    );
    if (!windowsInOrder(first, ideal, overdue)) {
      throw new ValidationFailedError(
        [
          {
            path: 'idealWithin',
            message: 'must be longer than firstNudgeAfter and not longer than overdueAfter',
          },
        ],
        'The windows must satisfy firstNudgeAfter < idealWithin <= overdueAfter.',
      );
    }
    const requestedAt = this.clock.now();
    const created = await transactionWithRetry(this.dataSource, async (manager) => {
      // xmax = 0 only on a row this statement inserted (an upsert's update sets it).
      const [row] = await manager.query<{ created: boolean }[]>(
        `INSERT INTO center_policies (center_id, kind, first_nudge_after, ideal_within, overdue_after, check_ins)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (center_id, kind) DO UPDATE SET first_nudge_after = EXCLUDED.first_nudge_after, ideal_within = EXCLUDED.ideal_within,
           overdue_after = EXCLUDED.overdue_after, check_ins = EXCLUDED.check_ins, updated_at = now()
         RETURNING xmax = 0 AS created`,
        [
          centerId,
          kind,
          body.firstNudgeAfter,
          body.idealWithin,
          body.overdueAfter,
          body.checkIns ?? DEFAULT_POLICY[kind].checkIns,
        ],
      );
      await manager.query(
        `INSERT INTO policy_recomputes (center_id, requested_at) VALUES ($1, $2)
         ON CONFLICT (center_id) DO UPDATE SET requested_at = EXCLUDED.requested_at, started_at = NULL, finished_at = NULL, students_done = 0`,
        [centerId, requestedAt],
      );
      return row.created;
    });
    // After commit: the job only says "recompute this center"; the row above is the truth.
    await this.enqueueRecompute(centerId, requestedAt);
    const { items, recompute } = await this.list(centerId);
    return { created, policy: { ...items.find((item) => item.kind === kind)!, recompute } };
  }

  private async enqueueRecompute(centerId: string, requestedAt: Date): Promise<void> {
    const job = recomputeCenterJob(centerId, `recompute-${centerId}-${requestedAt.getTime()}`);
    await this.queue
      .add(job.name, job.data, job.opts)
      .catch((error: unknown) =>
        this.logger.error({ err: error, centerId }, 'could not enqueue the policy recompute'),
      );
  }

  /**
   * Recomputes every student of the center in batches, each in its own transaction, and marks the run
   * done, unless the policy changed again meanwhile (then the newer job finishes it).
   */
  async recomputeCenter(centerId: string): Promise<void> {
    const [run] = await this.dataSource.query<{ requested_at: string }[]>(
      // In a CTE so TypeORM returns the rows (for a bare UPDATE it returns [rows, count]).
      `WITH started AS (UPDATE policy_recomputes SET started_at = now(), students_done = 0 WHERE center_id = $1 RETURNING requested_at::text AS requested_at)
       SELECT requested_at FROM started`,
      [centerId],
    );
    if (!run) return;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const batch = await this.dataSource.query<{ id: string }[]>(
        `SELECT id FROM students WHERE center_id = $1 AND erased_at IS NULL AND id > $2 ORDER BY id LIMIT $3`,
        [centerId, after, RECOMPUTE_BATCH],
      );
      if (batch.length === 0) break;
      await transactionWithRetry(this.dataSource, async (manager) => {
        await this.gaps.recomputeStudents(
          manager,
          centerId,
          batch.map((s) => s.id),
        );
        await manager.query(
          `UPDATE policy_recomputes SET students_done = students_done + $2 WHERE center_id = $1`,
          [centerId, batch.length],
        );
      });
      after = batch[batch.length - 1].id;
    }
    await this.dataSource.query(
      // As text, to the microsecond: a JavaScript Date would cut it to milliseconds and never match.
      `UPDATE policy_recomputes SET finished_at = now() WHERE center_id = $1 AND requested_at = $2::timestamptz`,
      [centerId, run.requested_at],
    );
  }
}
