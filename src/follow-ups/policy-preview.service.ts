import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { isDeepStrictEqual } from 'node:util';
import type { DataSource } from 'typeorm';
import { AppError, NotFoundError } from '../common/app-error.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { transactionWithRetry } from '../database/transaction.js';
import { previewPolicyJob, QUEUES } from '../jobs/queue-names.js';
import { planStudent } from './domain/plan.js';
import type { Policy } from './domain/policy.js';
import type { InteractionKind } from './domain/vocabulary.js';
import { GapsService } from './gaps.service.js';
import { loadPolicy } from './policies.repository.js';
import { checkWindows, completePolicyBody, proposedKindPolicy } from './policy-body.js';
import type { PolicyBody } from './policy.dto.js';
import {
  countPreviewedStudents,
  failPolicyPreview,
  finishPolicyPreview,
  insertPolicyPreview,
  lockCenterPreviews,
  policyPreviewRun,
  startPolicyPreview,
  unfinishedCenterPreviews,
  type PolicyPreviewRow,
} from './policy-preview-runs.repository.js';
import type { PolicyPreviewRun } from './policy-preview-run.dto.js';
import {
  countStudentsWithOpenGapsOfKind,
  readOnlyTransaction,
  sampleExternalIds,
  studentsWithOpenGapsOfKind,
} from './policy-preview.repository.js';
import {
  POLICY_PREVIEW_BATCH,
  PolicyComparison,
  previewNamed,
  windowsOf,
  type PolicyPreview,
  type PreviewFigures,
} from './policy-preview.js';

/** A background run and its figures are kept this long after it finishes (or, unfinished, after its request). */
export const PREVIEW_RUN_TTL_MS = 60 * 60_000;
/** Background previews a center may have unfinished at once: each plans a whole center on the shared worker. */
export const MAX_UNFINISHED_PREVIEWS = 3;
const BUSY_RETRY_AFTER_SECONDS = 30;

/** 429: the center already has MAX_UNFINISHED_PREVIEWS running; the problem filter sends Retry-After. */
export class PreviewsBusyError extends AppError {
  readonly retryAfterSeconds = BUSY_RETRY_AFTER_SECONDS;
  constructor() {
    super(
      429,
      'too-many-requests',
      'Too many requests',
      `This center already has ${MAX_UNFINISHED_PREVIEWS} policy previews running in the background; poll them, or retry in ${BUSY_RETRY_AFTER_SECONDS} s.`,
    );
  }
}

/** The REST answer: the preview (200), or the background run computing it (202). */
export type PolicyPreviewOutcome = { preview: PolicyPreview } | { run: PolicyPreviewRun };

/**
 * What `PUT /v1/policies/{kind}` with a body would change, storing no gap, reminder or policy: the students with
 * open gaps of the kind are planned under the current and the proposed policy by the recompute's own `plan`, in
 * read-only transactions of POLICY_PREVIEW_BATCH students, and compared. Up to POLICY_PREVIEW_SYNC_MAX_STUDENTS
 * students within the request; past that a background run on the follow-ups queue (the center recompute's
 * pattern: a row the client polls, a job that is only its trigger, resumed by the sweep when lost).
 */
@Injectable()
export class PolicyPreviewService {
  private readonly logger = new Logger(PolicyPreviewService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUES.followUps) private readonly queue: Queue,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly gaps: GapsService,
  ) {}

  /** Most students a preview plans within its request. */
  get syncMaxStudents(): number {
    return this.runtime.config.policyPreviewSyncMaxStudents;
  }

  async request(centerId: string, kind: InteractionKind, body: PolicyBody): Promise<PolicyPreviewOutcome> {
    const preview = await this.previewWithinBound(centerId, kind, body);
    return preview ? { preview } : { run: await this.startRun(centerId, kind, body) };
  }

  /** The preview, at once; undefined when more students than the bound would be planned. */
  async previewWithinBound(
    centerId: string,
    kind: InteractionKind,
    body: PolicyBody,
  ): Promise<PolicyPreview | undefined> {
    checkWindows(body);
    const bound = this.syncMaxStudents;
    const students = await studentsWithOpenGapsOfKind(
      this.dataSource.manager,
      centerId,
      kind,
      null,
      bound + 1,
    );
    if (students.length > bound) return undefined;
    return this.named(centerId, await this.figures(centerId, kind, body, inBatches(students)));
  }

  /** A background run of the center's, as its status resource shows it; 404 once expired. */
  async run(centerId: string, kind: InteractionKind, id: string): Promise<PolicyPreviewRun> {
    const row = await policyPreviewRun(this.dataSource.manager, centerId, id, this.clock.now());
    if (!row || row.kind !== kind)
      throw new NotFoundError(
        `No ${kind} policy preview ${id} in this center (a preview is kept for an hour after it finishes).`,
      );
    return this.status(row);
  }

  /**
   * The worker's half: plans every student with open gaps of the kind, batch by batch (progress recorded after
   * each), and stores the figures. A failure marks the run failed (the client asks again), unless the database
   * is gone too: then the run stays unfinished and the sweep resumes it.
   */
  async runInBackground(previewId: string): Promise<void> {
    const manager = this.dataSource.manager;
    const run = await startPolicyPreview(manager, previewId, this.clock.now());
    if (!run) return;
    try {
      const total = await countStudentsWithOpenGapsOfKind(manager, run.center_id, run.kind);
      await countPreviewedStudents(manager, previewId, 0, total);
      const figures = await this.figures(run.center_id, run.kind, run.policy, this.walk(run));
      const finishedAt = this.clock.now();
      await finishPolicyPreview(
        manager,
        previewId,
        figures,
        finishedAt,
        new Date(finishedAt.getTime() + PREVIEW_RUN_TTL_MS),
      );
    } catch (error) {
      this.logger.error({ err: error, previewId }, 'policy preview failed');
      await failPolicyPreview(manager, previewId, this.clock.now()).catch(() => undefined);
    }
  }

  /**
   * Joins the center's unfinished run of the same kind and policy, or starts one; at most
   * MAX_UNFINISHED_PREVIEWS per center (429 past it). The job is enqueued after the commit; if that fails the
   * sweep enqueues it (RecomputeResumer).
   */
  private async startRun(
    centerId: string,
    kind: InteractionKind,
    body: PolicyBody,
  ): Promise<PolicyPreviewRun> {
    const policy = completePolicyBody(kind, body);
    const now = this.clock.now();
    const { row, created } = await transactionWithRetry(this.dataSource, async (tx) => {
      await lockCenterPreviews(tx, centerId);
      const unfinished = await unfinishedCenterPreviews(tx, centerId, now);
      const same = unfinished.find((run) => run.kind === kind && isDeepStrictEqual(run.policy, policy));
      if (same) return { row: same, created: false };
      if (unfinished.length >= MAX_UNFINISHED_PREVIEWS) throw new PreviewsBusyError();
      const expiresAt = new Date(now.getTime() + PREVIEW_RUN_TTL_MS);
      return { row: await insertPolicyPreview(tx, centerId, kind, policy, now, expiresAt), created: true };
    });
    if (created) {
      const job = previewPolicyJob(row.id, `policy-preview-${row.id}`);
      await this.queue
        .add(job.name, job.data, job.opts)
        .catch((error: unknown) =>
          this.logger.error({ err: error, previewId: row.id }, 'could not enqueue the policy preview'),
        );
    }
    return this.status(row);
  }

  /** Plans the batches under both policies (the proposed one as PUT would store it) and compares the plans. */
  private async figures(
    centerId: string,
    kind: InteractionKind,
    body: PolicyBody,
    batches: Iterable<string[]> | AsyncIterable<string[]>,
  ): Promise<PreviewFigures> {
    const current = await loadPolicy(this.dataSource.manager, centerId);
    const proposed: Policy = { ...current, [kind]: proposedKindPolicy(kind, body) };
    const comparison = new PolicyComparison(kind);
    for await (const batch of batches) {
      await this.dataSource.transaction(async (tx) => {
        await readOnlyTransaction(tx);
        const planned = await this.gaps.plan(tx, centerId, batch, { policy: proposed });
        // In student id order, whichever order the facts were loaded in: the samples (the first 20 that
        // move) are then the same whether the preview ran within its request or in the background.
        for (const id of batch) {
          const after = planned.plans.get(id);
          const facts = planned.facts.get(id);
          if (after && facts) comparison.add(facts, planStudent(facts, current, planned.now), after);
        }
      });
    }
    return {
      kind,
      current: windowsOf(current[kind]),
      proposed: windowsOf(proposed[kind]),
      studentsAffected: comparison.studentsAffected,
      gaps: comparison.gaps,
      reminders: comparison.reminders,
      samples: comparison.samples,
    };
  }

  /** The run's students in id order, a batch at a time, with its progress recorded after each batch. */
  private async *walk(run: PolicyPreviewRow): AsyncIterable<string[]> {
    const manager = this.dataSource.manager;
    let after: string | null = null;
    for (;;) {
      const batch = await studentsWithOpenGapsOfKind(
        manager,
        run.center_id,
        run.kind,
        after,
        POLICY_PREVIEW_BATCH,
      );
      if (batch.length === 0) return;
      yield batch;
      await countPreviewedStudents(manager, run.id, batch.length);
      after = batch[batch.length - 1];
    }
  }

  /** The preview as the API shows it, its samples' external ids read now (a stored run keeps no copy of them). */
  private async named(centerId: string, figures: PreviewFigures): Promise<PolicyPreview> {
    const ids = figures.samples.map((sample) => sample.interactionId);
    const names = ids.length ? await sampleExternalIds(this.dataSource.manager, centerId, ids) : new Map();
    return previewNamed(figures, names);
  }

  private async status(row: PolicyPreviewRow): Promise<PolicyPreviewRun> {
    return {
      id: row.id,
      kind: row.kind,
      status: row.failed_at ? 'failed' : row.finished_at ? 'done' : row.started_at ? 'running' : 'pending',
      href: `/v1/policies/${row.kind}/previews/${row.id}`,
      requestedAt: row.requested_at,
      finishedAt: row.finished_at ?? row.failed_at,
      studentsDone: row.students_done,
      // Students who gained an open gap of the kind during the run are walked too.
      studentsTotal: row.students_total === null ? null : Math.max(row.students_total, row.students_done),
      expiresAt: row.expires_at,
      preview: row.finished_at && row.result ? await this.named(row.center_id, row.result) : null,
    };
  }
}

function* inBatches(ids: string[]): Iterable<string[]> {
  for (let start = 0; start < ids.length; start += POLICY_PREVIEW_BATCH)
    yield ids.slice(start, start + POLICY_PREVIEW_BATCH);
}
