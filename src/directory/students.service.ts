import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { UnprocessableError } from '../common/app-error.js';
import { classifyUpserts, type UpsertOutcome } from '../common/bulk.js';
import type { ListQuery, Page } from '../common/pagination.js';
import { notInCenter } from '../common/resource-repository.js';
import type { ResourceService } from '../common/resource.controller.js';
import { byKey } from '../database/sql.js';
import { GapsService } from '../follow-ups/gaps.service.js';
import { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import { cancelErasedStudentsReminders, lockPendingReminders } from '../reminders/erasure.js';
import { eraseFromDeliveries } from '../webhooks/delivery-erasure.js';
import type { StudentBulkItem, StudentResource } from './student.dto.js';
import { transactionWithRetry } from '../database/transaction.js';
import { AdvisorsRepository } from './advisors.repository.js';
import { StudentsRepository } from './students.repository.js';

@Injectable()
export class StudentsService implements ResourceService<StudentBulkItem, StudentResource> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly students: StudentsRepository,
    private readonly advisors: AdvisorsRepository,
    private readonly gaps: GapsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  /**
   * Upserts a batch in one transaction: one query resolves the advisors, one statement writes the students,
   * and students whose time zone, advisor or opt-out changed are recomputed before commit.
   */
  async upsertMany(centerId: string, items: StudentBulkItem[]): Promise<UpsertOutcome[]> {
    return transactionWithRetry(this.dataSource, async (manager) => {
      const advisors = await this.advisors.idsByExternalId(
        manager,
        centerId,
        items.map((i) => i.advisorExternalId),
      );
      const outcomes = new Map<StudentBulkItem, UpsertOutcome>();
      const writable = items.filter((item) => {
        if (advisors.has(item.advisorExternalId)) return true;
        outcomes.set(item, { status: 'error', error: unknownAdvisor(item.advisorExternalId) });
        return false;
      });
      const sorted = writable.sort(byKey((i) => i.externalId));
      const rows = sorted.length ? await this.students.upsertMany(manager, centerId, sorted, advisors) : [];
      const changed = rows.filter((r) => r.schedule_changed).map((r) => r.id);
      if (changed.length) await this.gaps.recomputeStudents(manager, centerId, changed);
      const statuses = classifyUpserts(
        sorted.map((i) => i.externalId),
        rows,
      );
      sorted.forEach((item, index) => outcomes.set(item, { status: statuses[index] }));
      return items.map((item) => outcomes.get(item)!);
    });
  }

  get(centerId: string, externalId: string): Promise<StudentResource> {
    return this.students.get(centerId, externalId);
  }

  list(centerId: string, query: ListQuery): Promise<Page<StudentResource>> {
    return this.students.list(centerId, query);
  }

  /**
   * Erasure, in one transaction: the student's name (and `nameLatin`), e-mail and external id go, and so does
   * everything identifying in their interactions and follow-ups (external ids, notes) and an advisor's
   * dismissal reasons.
   * What aggregate statistics need stays, anonymised: kinds, times, outcomes, channels, locale, time zone,
   * graduation year, advisor. Their gaps close and reminders are cancelled through the recompute. Copies go too:
   * webhook delivery payloads (reminders, escalation digests) and stored idempotent responses naming them.
   */
  async erase(centerId: string, externalId: string): Promise<void> {
    await transactionWithRetry(this.dataSource, async (manager) => {
      const student = await this.students.lockForErasure(manager, centerId, externalId);
      if (!student) throw notInCenter('student', externalId);
      await lockPendingReminders(manager, student.id);
      // What identifies them in copies made earlier, read before it is wiped.
      const values = await this.students.identifyingValues(manager, centerId, student.id);
      await this.students.anonymise(manager, centerId, student.id);
      await this.gaps.recomputeStudents(manager, centerId, [student.id]);
      await cancelErasedStudentsReminders(manager, student.id);
      await eraseFromDeliveries(manager, centerId, student.id, externalId);
      await this.idempotency.forgetResponsesNaming(manager, centerId, [
        externalId,
        student.name,
        ...(student.nameLatin === null ? [] : [student.nameLatin]),
        student.email,
        ...values,
      ]);
    });
  }
}

function unknownAdvisor(externalId: string) {
  return new UnprocessableError(`advisorExternalId ${externalId} does not name an advisor in this center.`, [
    { path: 'advisorExternalId', message: 'no advisor with this externalId in this center' },
  ]);
}
