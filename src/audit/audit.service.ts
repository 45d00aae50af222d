import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../common/app-error.js';
import { AuditRepository, type AuditEntry } from './audit.repository.js';

/** Who read a student's record: an API key of the portal, or an advisor or director through GraphQL. */
export interface AuditActor {
  centerId: string;
  /** `api-key:<id>` or `advisor:<externalId>`: never a name, e-mail or other personal value. */
  actor: string;
  role: 'portal' | 'advisor' | 'director';
  requestId: string | null;
}

export type { AuditEntry } from './audit.repository.js';

/**
 * The append-only record of reads of student records (a trigger refuses UPDATE, DELETE and TRUNCATE). Rows
 * hold ids only; an erased student's rows keep their (now unresolvable) id.
 */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  /** One row per student read, in one statement; students are named by externalId within the center. */
  async recordReads(
    actor: AuditActor,
    operation: string,
    studentExternalIds: readonly string[],
  ): Promise<void> {
    if (studentExternalIds.length === 0) return;
    await this.audit.insertByExternalId(actor.centerId, { ...read(actor), operation }, [
      ...new Set(studentExternalIds),
    ]);
  }

  /** The same, for students named by row id (the GraphQL side has them at hand). */
  async recordReadsById(actor: AuditActor, operation: string, studentIds: readonly string[]): Promise<void> {
    if (studentIds.length === 0) return;
    await this.audit.insertById(actor.centerId, { ...read(actor), operation }, [...new Set(studentIds)]);
  }

  /** The center's audit rows, newest first, in keyset pages by id (`after`: the last id seen). */
  async page(
    centerId: string,
    options: { first: number; after: string | null; studentExternalId: string | null },
  ): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
    const { first, after, studentExternalId } = options;
    if (!Number.isInteger(first) || first < 1 || first > 100)
      throw new ValidationFailedError([{ path: 'first', message: 'must be between 1 and 100' }]);
    if (after != null && !/^[1-9][0-9]{0,17}$/.test(after))
      throw new ValidationFailedError([{ path: 'after', message: 'is not a cursor this API returned' }]);
    const rows = await this.audit.page(centerId, {
      limit: first + 1,
      before: after ?? null,
      studentExternalId: studentExternalId ?? null,
    });
    const entries = rows.slice(0, first);
    return { entries, nextCursor: rows.length > first ? entries.at(-1)!.id : null };
  }
}

function read(actor: AuditActor): { actor: string; role: string; requestId: string | null } {
  return { actor: actor.actor, role: actor.role, requestId: actor.requestId };
}
