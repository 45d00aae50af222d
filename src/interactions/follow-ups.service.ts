import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError, UnprocessableError, ValidationFailedError } from '../common/app-error.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { classifyUpserts, type UpsertOutcome } from '../common/bulk.js';
import type { ListQuery, Page } from '../common/pagination.js';
import type { ResourceService } from '../common/resource.controller.js';
import { byKey } from '../database/sql.js';
import { GapsService } from '../follow-ups/gaps.service.js';
import type { FollowUpBulkItem, FollowUpResource } from './follow-up.dto.js';
import { transactionWithRetry } from '../database/transaction.js';
import { FollowUpsRepository } from './follow-ups.repository.js';
import { InteractionsRepository } from './interactions.repository.js';

/** How far a follow-up's sentAt may run ahead of our clock: the portal's clock may be a little ahead. */
export const SENT_AT_FUTURE_SKEW_MS = 5 * 60_000;
/** How far before its interaction began a follow-up may say it was sent: clocks and hand-entered times. */
export const SENT_AT_BEFORE_START_SKEW_MS = 60 * 60_000;

/**
 * Why a follow-up cannot be stored: its interaction is unknown (422), it was sent in the future (400: the
 * body alone shows it), or before its interaction began (422, like every problem with a referenced record).
 * The last two would make "time to thank-you" meaningless.
 */
function sentAtError(
  item: FollowUpBulkItem,
  interaction: { occurredAt: Date } | undefined,
  now: number,
): AppError | undefined {
  const sentAt = Date.parse(item.sentAt);
  if (sentAt > now + SENT_AT_FUTURE_SKEW_MS) {
    return new ValidationFailedError([
      { path: 'sentAt', message: 'must not be in the future (5 minutes of clock skew are allowed)' },
    ]);
  }
  if (!interaction) {
    return new UnprocessableError(
      `interactionExternalId ${item.interactionExternalId} does not name an interaction in this center.`,
      [{ path: 'interactionExternalId', message: 'no interaction with this externalId in this center' }],
    );
  }
  if (sentAt < interaction.occurredAt.getTime() - SENT_AT_BEFORE_START_SKEW_MS) {
    const began = interaction.occurredAt.toISOString();
    return new UnprocessableError(
      `sentAt is before interaction ${item.interactionExternalId} began (${began}).`,
      [
        {
          path: 'sentAt',
          message: `must not be before the interaction began (${began}; 1 hour of clock skew is allowed)`,
        },
      ],
    );
  }
  return undefined;
}

/** Follow-ups a student reported (logged by the portal); each satisfies gaps of its interaction. */
@Injectable()
export class FollowUpsService implements ResourceService<FollowUpBulkItem, FollowUpResource> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly followUps: FollowUpsRepository,
    private readonly interactionRows: InteractionsRepository,
    private readonly gaps: GapsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `onlyNew`: an existing externalId is left as it is (outcome `unchanged`), for callers that only record. */
  async upsertMany(
    centerId: string,
    items: FollowUpBulkItem[],
    options: { onlyNew?: boolean } = {},
  ): Promise<UpsertOutcome[]> {
    const now = this.clock.now().getTime();
    return transactionWithRetry(this.dataSource, async (manager) => {
      const interactions = await this.interactionRows.startsByExternalId(
        manager,
        centerId,
        items.map((i) => i.interactionExternalId),
      );
      const outcomes = new Map<FollowUpBulkItem, UpsertOutcome>();
      const sorted = items
        .filter((item) => {
          const error = sentAtError(item, interactions.get(item.interactionExternalId), now);
          if (error) outcomes.set(item, { status: 'error', error });
          return !error;
        })
        .sort(byKey((i) => i.externalId));
      const rows = sorted.length
        ? await this.followUps.upsertMany(
            manager,
            centerId,
            sorted.map((item) => ({ item, interactionId: interactions.get(item.interactionExternalId)!.id })),
            options.onlyNew ?? false,
          )
        : [];
      const affected = new Set(rows.flatMap((r) => r.student_ids));
      if (affected.size) await this.gaps.recomputeStudents(manager, centerId, [...affected]);
      const statuses = classifyUpserts(
        sorted.map((i) => i.externalId),
        rows,
      );
      sorted.forEach((item, index) => outcomes.set(item, { status: statuses[index] }));
      return items.map((item) => outcomes.get(item)!);
    });
  }

  get(centerId: string, externalId: string): Promise<FollowUpResource> {
    return this.followUps.get(centerId, externalId);
  }

  list(centerId: string, query: ListQuery): Promise<Page<FollowUpResource>> {
    return this.followUps.list(centerId, query);
  }
}
