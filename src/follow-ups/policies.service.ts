import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { NotFoundError } from '../common/app-error.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { QUEUES, recomputeCenterJob } from '../jobs/queue-names.js';
import { DEFAULT_POLICY, INTERACTION_KINDS, type InteractionKind } from './domain/policy.js';
import { loadPolicy, upsertCenterPolicy } from './policies.repository.js';
import { checkWindows, proposedKindPolicy } from './policy-body.js';
import {
  countRecomputedStudents,
  finishRecomputeRun,
  recomputeRun,
  requestRecomputeRun,
  startRecomputeRun,
} from './recompute-runs.repository.js';
import { studentIdsAfter } from './student-facts.repository.js';
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
    const run = await recomputeRun(this.dataSource.manager, centerId);
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
    const requested = await requestRecomputeRun(this.dataSource.manager, centerId, requestedAt);
    if (!requested) throw new NotFoundError('No such center.');
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
    checkWindows(body);
    const requestedAt = this.clock.now();
    const created = await transactionWithRetry(this.dataSource, async (manager) => {
      const inserted = await upsertCenterPolicy(manager, centerId, kind, {
        firstNudgeAfter: body.firstNudgeAfter,
        idealWithin: body.idealWithin,
        overdueAfter: body.overdueAfter,
        checkIns: proposedKindPolicy(kind, body).checkIns,
      });
      await requestRecomputeRun(manager, centerId, requestedAt);
      return inserted;
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
    const manager = this.dataSource.manager;
    const requestedAt = await startRecomputeRun(manager, centerId);
    if (requestedAt === undefined) return;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const batch = await studentIdsAfter(manager, centerId, after, RECOMPUTE_BATCH);
      if (batch.length === 0) break;
      await transactionWithRetry(this.dataSource, async (tx) => {
        await this.gaps.recomputeStudents(tx, centerId, batch);
        await countRecomputedStudents(tx, centerId, batch.length);
      });
      after = batch[batch.length - 1];
    }
    await finishRecomputeRun(manager, centerId, requestedAt);
  }
}
