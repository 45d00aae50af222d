import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError, UnprocessableError, type FieldError } from '../common/app-error.js';
import { classifyUpserts, type UpsertOutcome } from '../common/bulk.js';
import { selectPage, type ListQuery, type Page } from '../common/pagination.js';
import type { ResourceService } from '../common/resource.controller.js';
import { byKey, resolveExternalIds } from '../database/sql.js';
import { GapsService } from '../follow-ups/gaps.service.js';
import type { InteractionBulkItem, InteractionResource } from './interaction.dto.js';
import { transactionWithRetry } from '../database/transaction.js';

const SELECT = `
  SELECT i.external_id AS "externalId", s.external_id AS "studentExternalId", c.external_id AS "companyExternalId",
         i.kind, i.occurred_at AS "occurredAt", i.ended_at AS "endedAt",
         coalesce((SELECT array_agg(ct.external_id ORDER BY m.n) FROM unnest(i.contact_ids) WITH ORDINALITY AS m(id, n)
                   JOIN contacts ct ON ct.id = m.id), '{}') AS "contactExternalIds",
         i.notes, i.outcome, i.result_expected_by AS "resultExpectedBy", i.created_at AS "createdAt", i.updated_at AS "updatedAt"
  FROM interactions i JOIN students s ON s.id = i.student_id JOIN companies c ON c.id = i.company_id
  WHERE i.center_id = $1 AND i.external_id IS NOT NULL`;

/** An item whose references were found: what the upsert statement needs. */
export interface ResolvedInteraction {
  item: InteractionBulkItem;
  studentId: string;
  companyId: string;
  contactIds: string[];
}

interface UpsertedInteraction {
  external_id: string;
  inserted: boolean;
  student_id: string;
  previous_student_id: string | null;
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
    SELECT i.id, i.student_id FROM interactions i
    WHERE i.center_id = $1 AND i.external_id IN (SELECT external_id FROM input)
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

@Injectable()
export class InteractionsService implements ResourceService<InteractionBulkItem, InteractionResource> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gaps: GapsService,
  ) {}

  /**
   * Upserts a batch in one transaction: three queries resolve students, companies and contacts, one statement
   * writes the interactions, and every student whose interactions changed (including one an interaction
   * moved away from) is recomputed before commit.
   */
  async upsertMany(centerId: string, items: InteractionBulkItem[]): Promise<UpsertOutcome[]> {
    return transactionWithRetry(this.dataSource, async (manager) => {
      const outcomes = new Map<InteractionBulkItem, UpsertOutcome>();
      const resolved: ResolvedInteraction[] = [];
      for (const result of await this.resolve(manager, centerId, items)) {
        if ('errors' in result) {
          outcomes.set(result.item, {
            status: 'error',
            error: new UnprocessableError(
              'The interaction refers to records that do not exist in this center.',
              result.errors,
            ),
          });
        } else {
          resolved.push(result);
        }
      }
      resolved.sort(byKey((r) => r.item.externalId));
      const rows = resolved.length
        ? await manager.query<UpsertedInteraction[]>(
            UPSERT_INTERACTIONS,
            upsertInteractionsParams(centerId, resolved),
          )
        : [];
      const affected = new Set(
        rows.flatMap((r) => (r.previous_student_id ? [r.student_id, r.previous_student_id] : [r.student_id])),
      );
      if (affected.size) await this.gaps.recomputeStudents(manager, centerId, [...affected]);
      const statuses = classifyUpserts(
        resolved.map((r) => r.item.externalId),
        rows,
      );
      resolved.forEach((r, index) => outcomes.set(r.item, { status: statuses[index] }));
      return items.map((item) => outcomes.get(item)!);
    });
  }

  private async resolve(
    manager: EntityManager,
    centerId: string,
    items: InteractionBulkItem[],
  ): Promise<(ResolvedInteraction | { item: InteractionBulkItem; errors: FieldError[] })[]> {
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

    return items.map((item) => {
      const errors: FieldError[] = [];
      const studentId = students.get(item.studentExternalId);
      const companyId = companies.get(item.companyExternalId);
      if (!studentId)
        errors.push({ path: 'studentExternalId', message: 'no student with this externalId in this center' });
      if (!companyId)
        errors.push({ path: 'companyExternalId', message: 'no company with this externalId in this center' });
      const contactIds = (item.contactExternalIds ?? []).map((contact, index) => {
        const id = contacts.get(`${item.companyExternalId}\n${contact}`);
        if (!id && companyId)
          errors.push({
            path: `contactExternalIds[${index}]`,
            message: 'no contact with this externalId at this company',
          });
        return id ?? '';
      });
      return errors.length || !studentId || !companyId
        ? { item, errors }
        : { item, studentId, companyId, contactIds };
    });
  }

  async get(centerId: string, externalId: string): Promise<InteractionResource> {
    const [row] = await this.dataSource.query<InteractionResource[]>(`${SELECT} AND i.external_id = $2`, [
      centerId,
      externalId,
    ]);
    if (!row) throw new NotFoundError(`No interaction ${externalId} in this center.`);
    return row;
  }

  list(centerId: string, query: ListQuery): Promise<Page<InteractionResource>> {
    return selectPage(
      (sql, params) => this.dataSource.query<InteractionResource[]>(sql, params),
      SELECT,
      [centerId],
      'i.external_id',
      query,
    );
  }

  /**
   * Deleting keeps an anonymised tombstone for statistics (no external id, no notes) together with its
   * follow-ups; the student's gaps for it close and its reminders are cancelled by the recompute.
   */
  async delete(centerId: string, externalId: string): Promise<void> {
    await transactionWithRetry(this.dataSource, async (manager) => {
      const [row] = await manager.query<{ id: string; student_id: string }[]>(
        // Wrapped in a CTE so TypeORM hands back the rows (for a bare UPDATE it returns [rows, count]).
        `WITH deleted AS (
           UPDATE interactions SET external_id = NULL, notes = NULL, deleted_at = now(), updated_at = now()
           WHERE center_id = $1 AND external_id = $2 RETURNING id, student_id
         ) SELECT * FROM deleted`,
        [centerId, externalId],
      );
      if (!row) throw new NotFoundError(`No interaction ${externalId} in this center.`);
      await manager.query(
        `UPDATE follow_ups SET external_id = NULL, note = NULL, deleted_at = now(), updated_at = now()
         WHERE interaction_id = $1 AND deleted_at IS NULL`,
        [row.id],
      );
      await this.gaps.recomputeStudents(manager, centerId, [row.student_id]);
    });
  }
}
