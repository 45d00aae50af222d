import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError, NotFoundError, UnprocessableError, ValidationFailedError } from '../common/app-error.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { classifyUpserts, type UpsertOutcome } from '../common/bulk.js';
import { selectPage, type ListQuery, type Page } from '../common/pagination.js';
import type { ResourceService } from '../common/resource.controller.js';
import { byKey } from '../database/sql.js';
import { GapsService } from '../follow-ups/gaps.service.js';
import type { FollowUpBulkItem, FollowUpResource } from './follow-up.dto.js';
import { transactionWithRetry } from '../database/transaction.js';

const SELECT = `
  SELECT f.external_id AS "externalId", i.external_id AS "interactionExternalId", s.external_id AS "studentExternalId",
         f.channel, f.sent_at AS "sentAt", f.purpose, f.note, f.created_at AS "createdAt", f.updated_at AS "updatedAt"
  FROM follow_ups f JOIN interactions i ON i.id = f.interaction_id JOIN students s ON s.id = i.student_id
  WHERE f.center_id = $1 AND f.external_id IS NOT NULL`;

/** How far a follow-up's sentAt may run ahead of our clock: the portal's clock may be a little ahead. */
export const SENT_AT_FUTURE_SKEW_MS = 5 * 60_000;
/** How far before its interaction began a follow-up may say it was sent: clocks and hand-entered times. */
export const SENT_AT_BEFORE_START_SKEW_MS = 60 * 60_000;

/** externalId → id and start of the given interactions that exist (not tombstones) in the center. */
async function interactionStarts(
  manager: EntityManager,
  centerId: string,
  externalIds: string[],
): Promise<Map<string, { id: string; occurredAt: Date }>> {
  const rows = await manager.query<{ id: string; external_id: string; occurred_at: Date }[]>(
    `SELECT id, external_id, occurred_at FROM interactions WHERE center_id = $1 AND external_id = ANY($2::text[])`,
    [centerId, [...new Set(externalIds)]],
  );
  return new Map(rows.map((r) => [r.external_id, { id: r.id, occurredAt: r.occurred_at }]));
}

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
      const interactions = await interactionStarts(
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
        ? await manager.query<{ external_id: string; inserted: boolean; student_ids: string[] }[]>(
            `WITH input AS (
               SELECT * FROM unnest($2::text[], $3::uuid[], $4::text[], $5::timestamptz[], $6::text[], $7::text[])
                 AS f(external_id, interaction_id, channel, sent_at, purpose, note)
             ), previous AS (
               SELECT f.id, f.interaction_id FROM follow_ups f
               WHERE f.center_id = $1 AND f.external_id IN (SELECT external_id FROM input)
             ), upserted AS (
               INSERT INTO follow_ups AS f (center_id, external_id, interaction_id, channel, sent_at, purpose, note)
               SELECT $1, * FROM input
               ON CONFLICT (center_id, external_id) DO UPDATE
                 SET interaction_id = EXCLUDED.interaction_id, channel = EXCLUDED.channel, sent_at = EXCLUDED.sent_at,
                     purpose = EXCLUDED.purpose, note = EXCLUDED.note, updated_at = now()
                 WHERE NOT $8::boolean AND (f.interaction_id, f.channel, f.sent_at, f.purpose, f.note)
                   IS DISTINCT FROM (EXCLUDED.interaction_id, EXCLUDED.channel, EXCLUDED.sent_at, EXCLUDED.purpose, EXCLUDED.note)
               RETURNING f.id, f.external_id, (f.xmax = 0) AS inserted, f.interaction_id
             )
             SELECT u.external_id, u.inserted,
                    (SELECT array_agg(DISTINCT i.student_id) FROM interactions i
                     WHERE i.id IN (u.interaction_id, p.interaction_id)) AS student_ids
             FROM upserted u LEFT JOIN previous p ON p.id = u.id`,
            [
              centerId,
              sorted.map((i) => i.externalId),
              sorted.map((i) => interactions.get(i.interactionExternalId)!.id),
              sorted.map((i) => i.channel),
              sorted.map((i) => i.sentAt),
              sorted.map((i) => i.purpose ?? 'THANK_YOU'),
              sorted.map((i) => i.note ?? null),
              options.onlyNew ?? false,
            ],
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

  async get(centerId: string, externalId: string): Promise<FollowUpResource> {
    const [row] = await this.dataSource.query<FollowUpResource[]>(`${SELECT} AND f.external_id = $2`, [
      centerId,
      externalId,
    ]);
    if (!row) throw new NotFoundError(`No follow-up ${externalId} in this center.`);
    return row;
  }

  list(centerId: string, query: ListQuery): Promise<Page<FollowUpResource>> {
    return selectPage(
      (sql, params) => this.dataSource.query<FollowUpResource[]>(sql, params),
      SELECT,
      [centerId],
      'f.external_id',
      query,
    );
  }
}
