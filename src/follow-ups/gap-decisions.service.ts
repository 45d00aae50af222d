import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/app-error.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { isUuid } from '../common/uuid.js';
import { transactionWithRetry } from '../database/transaction.js';
import {
  dismissGap,
  gapDecisionOutcome,
  lockGapForDecision,
  snoozeGap,
  type GapDecisionResult,
} from './gaps.repository.js';
import { GapsService } from './gaps.service.js';

const MAX_SNOOZE_DAYS = 14;
const MAX_REASON_LENGTH = 2000;

export type { GapDecisionResult };

/** Whose gaps the caller may decide on: a center, narrowed to one advisor's caseload when set. */
export interface GapScope {
  centerId: string;
  caseloadOf: string | null;
}

/**
 * An advisor's decisions on one open gap: dismiss it (DISMISSED, its reminders cancelled) or snooze it (no
 * nudge before an instant, at most 14 days ahead). The decision is stored on the gap and the student is
 * recomputed in the same transaction, so reminders follow at once and every later recompute keeps it.
 */
@Injectable()
export class GapDecisionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly gaps: GapsService,
  ) {}

  dismiss(scope: GapScope, gapId: string, reason: string): Promise<GapDecisionResult> {
    const trimmed = reason.trim();
    if (!trimmed || trimmed.length > MAX_REASON_LENGTH)
      throw new ValidationFailedError([
        { path: 'reason', message: `must be 1–${MAX_REASON_LENGTH} characters` },
      ]);
    return this.decide(scope, gapId, (manager, id) => dismissGap(manager, scope.centerId, id, trimmed));
  }

  snooze(scope: GapScope, gapId: string, until: Date): Promise<GapDecisionResult> {
    const now = this.clock.now();
    const latest = now.getTime() + MAX_SNOOZE_DAYS * 86_400_000;
    if (!(until > now) || until.getTime() > latest)
      throw new ValidationFailedError([
        { path: 'until', message: `must be in the future and at most ${MAX_SNOOZE_DAYS} days ahead` },
      ]);
    return this.decide(scope, gapId, (manager, id) => snoozeGap(manager, scope.centerId, id, until));
  }

  private async decide(
    scope: GapScope,
    gapId: string,
    apply: (manager: EntityManager, id: string) => Promise<unknown>,
  ): Promise<GapDecisionResult> {
    const notFound = new NotFoundError(`No gap ${gapId} in your scope.`);
    if (!isUuid(gapId)) throw notFound;
    return transactionWithRetry(this.dataSource, async (manager) => {
      const gap = await lockGapForDecision(manager, scope.centerId, scope.caseloadOf, gapId);
      if (!gap) throw notFound;
      if (gap.state !== 'OPEN')
        throw new ConflictError(`The gap is ${gap.state}; only open gaps can be dismissed or snoozed.`);
      await apply(manager, gapId);
      await this.gaps.recomputeStudents(manager, scope.centerId, [gap.student_id]);
      return (await gapDecisionOutcome(manager, scope.centerId, gapId))!;
    });
  }
}
