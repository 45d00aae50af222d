import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { NotFoundError, UnprocessableError, ValidationFailedError } from '../common/app-error.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { QUEUES, recomputeCenterJob } from '../jobs/queue-names.js';
import {
  DEFAULT_POLICY,
  INTERACTION_KINDS,
  parseDuration,
  windowsInOrder,
  type InteractionKind,
  type KindPolicy,
  type Policy,
} from './domain/policy.js';
import { planStudent } from './domain/plan.js';
import {
  POLICY_PREVIEW_BATCH,
  POLICY_PREVIEW_MAX_STUDENTS,
  PolicyComparison,
  windowsOf,
  type PolicyPreview,
} from './policy-preview.js';
import {
  readOnlyTransaction,
  sampleExternalIds,
  studentsWithOpenGapsOfKind,
} from './policy-preview.repository.js';
import { loadPolicy, upsertCenterPolicy } from './policies.repository.js';
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

  /**
   * What `PUT /v1/policies/{kind}` with this body would change, storing nothing: the students with open gaps
   * of the kind are planned under the current and the proposed policy (the recompute's `plan`, in read-only
   * transactions of RECOMPUTE_BATCH students) and compared. Beyond POLICY_PREVIEW_MAX_STUDENTS students, 422.
   */
  async preview(centerId: string, kind: InteractionKind, body: PolicyBody): Promise<PolicyPreview> {
    checkWindows(body);
    const manager = this.dataSource.manager;
    const students = await studentsWithOpenGapsOfKind(
      manager,
      centerId,
      kind,
      POLICY_PREVIEW_MAX_STUDENTS + 1,
    );
    if (students.length > POLICY_PREVIEW_MAX_STUDENTS)
      throw new UnprocessableError(
        `More than ${POLICY_PREVIEW_MAX_STUDENTS} students have open ${kind} gaps: too many to preview in one request. PUT the policy and follow its recompute instead.`,
      );
    const current = await loadPolicy(manager, centerId);
    const proposed: Policy = { ...current, [kind]: proposedKindPolicy(kind, body) };
    const comparison = new PolicyComparison(kind);
    for (let start = 0; start < students.length; start += POLICY_PREVIEW_BATCH) {
      const batch = students.slice(start, start + POLICY_PREVIEW_BATCH);
      await this.dataSource.transaction(async (tx) => {
        await readOnlyTransaction(tx);
        const planned = await this.gaps.plan(tx, centerId, batch, { policy: proposed });
        for (const [id, after] of planned.plans) {
          const facts = planned.facts.get(id)!;
          comparison.add(facts, planStudent(facts, current, planned.now), after);
        }
      });
    }
    const names = await sampleExternalIds(
      manager,
      centerId,
      comparison.samples.map((s) => s.interactionId),
    );
    return {
      kind,
      current: windowsOf(current[kind]),
      proposed: windowsOf(proposed[kind]),
      studentsAffected: comparison.studentsAffected,
      gaps: comparison.gaps,
      reminders: comparison.reminders,
      samples: comparison.samples.map(({ interactionId, ...sample }) => ({
        studentExternalId: names.get(interactionId)?.student ?? '',
        interactionExternalId: names.get(interactionId)?.interaction ?? '',
        ...sample,
      })),
    };
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

/** The kind's policy as PUT stores it (checkIns defaulting to the SPEC's for the kind). */
function proposedKindPolicy(kind: InteractionKind, body: PolicyBody): KindPolicy {
  return {
    thankYou: {
      firstNudgeAfter: body.firstNudgeAfter,
      idealWithin: body.idealWithin,
      overdueAfter: body.overdueAfter,
    },
    checkIns: body.checkIns ?? DEFAULT_POLICY[kind].checkIns,
  };
}

/** firstNudgeAfter < idealWithin <= overdueAfter, or a 400 (the durations themselves are checked by the DTO). */
function checkWindows(body: PolicyBody): void {
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
}
