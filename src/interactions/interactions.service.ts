import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { UnprocessableError, type FieldError } from '../common/app-error.js';
import { classifyUpserts, type UpsertOutcome } from '../common/bulk.js';
import type { ListQuery, Page } from '../common/pagination.js';
import { notInCenter } from '../common/resource-repository.js';
import type { ResourceService } from '../common/resource.controller.js';
import { byKey } from '../database/sql.js';
import { GapsService } from '../follow-ups/gaps.service.js';
import type { InteractionBulkItem, InteractionResource } from './interaction.dto.js';
import { transactionWithRetry } from '../database/transaction.js';
import {
  draftSubjects,
  interactionExternalIds,
  readOnlyTransaction,
  storedInteraction,
} from './interaction-preview.repository.js';
import {
  interactionFacts,
  interactionPreview,
  withInteraction,
  type InteractionPreview,
} from './interaction-preview.js';
import { InteractionsRepository, type ResolvedInteraction } from './interactions.repository.js';

@Injectable()
export class InteractionsService implements ResourceService<InteractionBulkItem, InteractionResource> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly interactions: InteractionsRepository,
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
      const rows = resolved.length ? await this.interactions.upsertMany(manager, centerId, resolved) : [];
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

  /**
   * What `PUT /v1/interactions/{externalId}` with this item would do for its student, storing nothing: the
   * write's reference checks (422 as the PUT), then the recompute's `plan` with the interaction put into the
   * loaded facts in memory, in a read-only transaction.
   */
  async preview(centerId: string, item: InteractionBulkItem): Promise<InteractionPreview> {
    return this.dataSource.transaction(async (manager) => {
      await readOnlyTransaction(manager);
      const [result] = await this.resolve(manager, centerId, [item]);
      if ('errors' in result)
        throw new UnprocessableError(
          'The interaction refers to records that do not exist in this center.',
          result.errors,
        );
      const existing = await storedInteraction(manager, centerId, item.externalId);
      // Not stored yet: its id is the database's to choose, so its gaps carry a stand-in id (never shown).
      const interactionId = existing?.id ?? `preview:${item.externalId}`;
      const students = [result.studentId, ...(existing ? [existing.studentId] : [])];
      const planned = await this.gaps.plan(manager, centerId, [...new Set(students)], {
        adjust: (facts) => withInteraction(facts, result.studentId, interactionFacts(interactionId, item)),
      });
      return interactionPreview({
        now: planned.now,
        plan: planned.plans.get(result.studentId),
        item,
        interactionId,
        stored: existing !== undefined,
        externalIds: await interactionExternalIds(manager, centerId, [result.studentId]),
        subjects: await draftSubjects(
          manager,
          centerId,
          result.studentId,
          result.companyId,
          result.contactIds,
        ),
      });
    });
  }

  private async resolve(
    manager: EntityManager,
    centerId: string,
    items: InteractionBulkItem[],
  ): Promise<(ResolvedInteraction | { item: InteractionBulkItem; errors: FieldError[] })[]> {
    const { students, companies, contacts } = await this.interactions.references(manager, centerId, items);
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

  get(centerId: string, externalId: string): Promise<InteractionResource> {
    return this.interactions.get(centerId, externalId);
  }

  list(centerId: string, query: ListQuery): Promise<Page<InteractionResource>> {
    return this.interactions.list(centerId, query);
  }

  /**
   * Deleting keeps an anonymised tombstone for statistics (no external id, no notes) together with its
   * follow-ups; the student's gaps for it close and its reminders are cancelled by the recompute.
   */
  async delete(centerId: string, externalId: string): Promise<void> {
    await transactionWithRetry(this.dataSource, async (manager) => {
      const row = await this.interactions.tombstone(manager, centerId, externalId);
      if (!row) throw notInCenter('interaction', externalId);
      await this.gaps.recomputeStudents(manager, centerId, [row.student_id]);
    });
  }
}
