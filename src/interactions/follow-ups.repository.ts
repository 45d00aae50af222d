import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CenterResourceRepository } from '../common/resource-repository.js';
import type { FollowUpBulkItem, FollowUpResource } from './follow-up.dto.js';

/** A follow-up to write, with the row id of its interaction. */
export interface FollowUpRow {
  item: FollowUpBulkItem;
  interactionId: string;
}

/** The follow_ups table: get and list come from CenterResourceRepository (tombstones are not found). */
@Injectable()
export class FollowUpsRepository extends CenterResourceRepository<FollowUpResource> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, {
      noun: 'follow-up',
      select: `
  SELECT f.external_id AS "externalId", i.external_id AS "interactionExternalId", s.external_id AS "studentExternalId",
         f.channel, f.sent_at AS "sentAt", f.purpose, f.note, f.created_at AS "createdAt", f.updated_at AS "updatedAt"
  FROM follow_ups f JOIN interactions i ON i.id = f.interaction_id JOIN students s ON s.id = i.student_id
  WHERE f.center_id = $1 AND f.external_id IS NOT NULL`,
      key: 'f.external_id',
    });
  }

  /**
   * One statement for the batch, in the caller's transaction (`rows` sorted by externalId: lock order).
   * Created or changed rows come back with the students whose gaps they touch (the interaction's now and
   * before). `onlyNew`: an existing row is left as it is.
   */
  upsertMany(
    manager: EntityManager,
    centerId: string,
    rows: FollowUpRow[],
    onlyNew: boolean,
  ): Promise<{ external_id: string; inserted: boolean; student_ids: string[] }[]> {
    return manager.query<{ external_id: string; inserted: boolean; student_ids: string[] }[]>(
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
        rows.map((r) => r.item.externalId),
        rows.map((r) => r.interactionId),
        rows.map((r) => r.item.channel),
        rows.map((r) => r.item.sentAt),
        rows.map((r) => r.item.purpose ?? 'THANK_YOU'),
        rows.map((r) => r.item.note ?? null),
        onlyNew,
      ],
    );
  }
}
