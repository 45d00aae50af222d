import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CenterResourceRepository } from '../common/resource-repository.js';
import { resolveExternalIds } from '../database/sql.js';
import type { InteractionBulkItem, InteractionResource } from './interaction.dto.js';

/** An item whose references were found: what the upsert statement needs. */
export interface ResolvedInteraction {
  item: InteractionBulkItem;
  studentId: string;
  companyId: string;
  contactIds: string[];
}

export interface UpsertedInteraction {
  external_id: string;
  inserted: boolean;
  student_id: string;
  previous_student_id: string | null;
}

/** The rows a batch of interactions refers to, found in the center: by external id (contacts: per company). */
export interface InteractionReferences {
  students: Map<string, string>;
  companies: Map<string, string>;
  /** `<companyExternalId>\n<contactExternalId>` → contact id. */
  contacts: Map<string, string>;
}

/**
 * Writes a whole batch in one statement: created or changed rows come back (with the student an interaction
 * moved away from, if any); unchanged rows are neither rewritten nor returned. Exported for the ingest
 * benchmark, which sends exactly this statement directly as its baseline.
 */
export const UPSERT_INTERACTIONS = `
  WITH input AS (
    SELECT external_id, student_id, company_id, kind, occurred_at, ended_at,
           CASE WHEN contacts = '' THEN '{}'::uuid[] ELSE string_to_array(contacts, ',')::uuid[] END AS contact_ids,
           notes, outcome, result_expected_by
    FROM unnest($2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[],
                $9::text[], $10::text[], $11::date[])
      AS i(external_id, student_id, company_id, kind, occurred_at, ended_at, contacts, notes, outcome, result_expected_by)
  ), previous AS (
    -- By the parameter itself, so the index on (center_id, external_id) takes both: a join with input could
    -- be planned as a scan of the center's every interaction (it was, on a center whose statistics were new).
    SELECT i.id, i.student_id FROM interactions i
    WHERE i.center_id = $1 AND i.external_id = ANY($2::text[])
  ), upserted AS (
    INSERT INTO interactions AS i (center_id, external_id, student_id, company_id, kind, occurred_at, ended_at, contact_ids,
                                   notes, outcome, result_expected_by)
    SELECT $1, * FROM input
    ON CONFLICT (center_id, external_id) DO UPDATE
      SET student_id = EXCLUDED.student_id, company_id = EXCLUDED.company_id, kind = EXCLUDED.kind,
          occurred_at = EXCLUDED.occurred_at, ended_at = EXCLUDED.ended_at, contact_ids = EXCLUDED.contact_ids,
          notes = EXCLUDED.notes, outcome = EXCLUDED.outcome, result_expected_by = EXCLUDED.result_expected_by,
          updated_at = now()
      WHERE (i.student_id, i.company_id, i.kind, i.occurred_at, i.ended_at, i.contact_ids, i.notes, i.outcome, i.result_expected_by)
        IS DISTINCT FROM (EXCLUDED.student_id, EXCLUDED.company_id, EXCLUDED.kind, EXCLUDED.occurred_at, EXCLUDED.ended_at,
                          EXCLUDED.contact_ids, EXCLUDED.notes, EXCLUDED.outcome, EXCLUDED.result_expected_by)
    RETURNING i.id, i.external_id, (i.xmax = 0) AS inserted, i.student_id
  )
  SELECT u.external_id, u.inserted, u.student_id,
         CASE WHEN p.student_id IS DISTINCT FROM u.student_id THEN p.student_id END AS previous_student_id
  FROM upserted u LEFT JOIN previous p ON p.id = u.id`;

/** Parameters of UPSERT_INTERACTIONS; `rows` must be sorted by externalId (lock order). */
export function upsertInteractionsParams(centerId: string, rows: ResolvedInteraction[]): unknown[] {
  return [
    centerId,
    rows.map((r) => r.item.externalId),
    rows.map((r) => r.studentId),
    rows.map((r) => r.companyId),
    rows.map((r) => r.item.kind),
    rows.map((r) => r.item.occurredAt),
    rows.map((r) => r.item.endedAt ?? null),
    rows.map((r) => r.contactIds.join(',')),
    rows.map((r) => r.item.notes ?? null),
    rows.map((r) => r.item.outcome ?? 'PENDING'),
    rows.map((r) => r.item.resultExpectedBy ?? null),
  ];
}

/** The interactions table: get and list come from CenterResourceRepository (tombstones are not found). */
@Injectable()
export class InteractionsRepository extends CenterResourceRepository<InteractionResource> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, {
      noun: 'interaction',
      select: `
  SELECT i.external_id AS "externalId", s.external_id AS "studentExternalId", c.external_id AS "companyExternalId",
         i.kind, i.occurred_at AS "occurredAt", i.ended_at AS "endedAt",
         coalesce((SELECT array_agg(ct.external_id ORDER BY m.n) FROM unnest(i.contact_ids) WITH ORDINALITY AS m(id, n)
                   JOIN contacts ct ON ct.id = m.id), '{}') AS "contactExternalIds",
         i.notes, i.outcome, i.result_expected_by AS "resultExpectedBy", i.created_at AS "createdAt", i.updated_at AS "updatedAt"
  FROM interactions i JOIN students s ON s.id = i.student_id JOIN companies c ON c.id = i.company_id
  WHERE i.center_id = $1 AND i.external_id IS NOT NULL`,
      key: 'i.external_id',
    });
  }

  /**
   * The students, companies and contacts a batch names, in the caller's transaction: three queries (the
   * third only when an item names contacts).
   */
  async references(
    manager: EntityManager,
    centerId: string,
    items: InteractionBulkItem[],
  ): Promise<InteractionReferences> {
    const students = await resolveExternalIds(
      manager,
      'students',
      centerId,
      items.map((i) => i.studentExternalId),
    );
    const companies = await resolveExternalIds(
      manager,
      'companies',
      centerId,
      items.map((i) => i.companyExternalId),
    );
    const pairs = items.flatMap((i) =>
      (i.contactExternalIds ?? []).map((contact) => [i.companyExternalId, contact]),
    );
    const contactRows = pairs.length
      ? await manager.query<{ id: string; company: string; contact: string }[]>(
          `SELECT ct.id, c.external_id AS company, ct.external_id AS contact
           FROM unnest($2::text[], $3::text[]) AS p(company, contact)
           JOIN companies c ON c.center_id = $1 AND c.external_id = p.company
           JOIN contacts ct ON ct.company_id = c.id AND ct.external_id = p.contact`,
          [centerId, pairs.map((p) => p[0]), pairs.map((p) => p[1])],
        )
      : [];
    const contacts = new Map(contactRows.map((r) => [`${r.company}\n${r.contact}`, r.id]));
    return { students, companies, contacts };
  }

  /** UPSERT_INTERACTIONS in the caller's transaction; `rows` sorted by externalId (lock order). */
  upsertMany(
    manager: EntityManager,
    centerId: string,
    rows: ResolvedInteraction[],
  ): Promise<UpsertedInteraction[]> {
    return manager.query<UpsertedInteraction[]>(
      UPSERT_INTERACTIONS,
      upsertInteractionsParams(centerId, rows),
    );
  }

  /** externalId → id and start of the given interactions that exist (not tombstones) in the center. */
  async startsByExternalId(
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
   * Turns the center's interaction into an anonymised tombstone (no external id, no notes) together with its
   * follow-ups, in the caller's transaction; what it was (its id and student), or undefined if none.
   */
  async tombstone(
    manager: EntityManager,
    centerId: string,
    externalId: string,
  ): Promise<{ id: string; student_id: string } | undefined> {
    const [row] = await manager.query<{ id: string; student_id: string }[]>(
      // Wrapped in a CTE so TypeORM hands back the rows (for a bare UPDATE it returns [rows, count]).
      `WITH deleted AS (
         UPDATE interactions SET external_id = NULL, notes = NULL, deleted_at = now(), updated_at = now()
         WHERE center_id = $1 AND external_id = $2 RETURNING id, student_id
       ) SELECT * FROM deleted`,
      [centerId, externalId],
    );
    if (!row) return undefined;
    await manager.query(
      `UPDATE follow_ups SET external_id = NULL, note = NULL, deleted_at = now(), updated_at = now()
       WHERE center_id = $1 AND interaction_id = $2 AND deleted_at IS NULL`,
      [centerId, row.id],
    );
    return row;
  }
}
