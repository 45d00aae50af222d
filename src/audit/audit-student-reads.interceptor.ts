import {
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { from, mergeMap, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../common/auth/center-context.js';
import { AuditService } from './audit.service.js';

const AUDIT_STUDENT_READS = 'audit:student-reads';

/** Where a marked route's response names the students it shows. */
type StudentsFrom =
  | 'path' // the `externalId` path parameter
  | 'response' // the resource's (or each `items[]` entry's) own `externalId`: students themselves
  | 'response.studentExternalId' // the resource's (or each item's) `studentExternalId`: a student's records
  | 'body.studentExternalId'; // the request body's `studentExternalId`: a POST that only reads (a preview)

/**
 * Marks REST routes whose GET responses show student records (a student, or what belongs to one: gaps,
 * interactions, reminders); one audit row is appended per student shown. On a controller it applies to its
 * GETs only (its PUTs and POSTs write); on a route it applies whatever the method, for a POST that stores
 * nothing and answers with a student's records (`POST /v1/interactions/preview`). Only successful responses
 * are audited: a 4xx showed nothing.
 */
export const AuditsStudentReads = (operation: string, from: StudentsFrom) =>
  SetMetadata(AUDIT_STUDENT_READS, { operation, from });

/** Appends an audit row per student a marked GET route returned, before the response leaves. */
@Injectable()
export class AuditStudentReadsInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const marked = this.reflector.getAllAndOverride<{ operation: string; from: StudentsFrom }>(
      AUDIT_STUDENT_READS,
      [context.getHandler(), context.getClass()],
    );
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest & { id?: string }>();
    const onRoute = this.reflector.get(AUDIT_STUDENT_READS, context.getHandler()) !== undefined;
    if (!marked || (request.method !== 'GET' && !onRoute) || !request.center) return next.handle();
    const center = request.center;
    return next.handle().pipe(
      mergeMap((body: unknown) => {
        const students =
          marked.from === 'path'
            ? [String(request.params.externalId)]
            : marked.from === 'body.studentExternalId'
              ? studentsInResponse(request.body, 'studentExternalId')
              : studentsInResponse(body, marked.from === 'response' ? 'externalId' : 'studentExternalId');
        const actor = {
          centerId: center.centerId,
          actor: `api-key:${center.apiKeyId}`,
          role: 'portal' as const,
          requestId: request.id ?? null,
        };
        return from(this.audit.recordReads(actor, marked.operation, students).then(() => body));
      }),
    );
  }
}

function studentsInResponse(body: unknown, field: 'externalId' | 'studentExternalId'): string[] {
  type Resource = Record<string, unknown> | null | undefined;
  const record = body as (Resource & { items?: Resource[] }) | null;
  const resources = Array.isArray(record?.items) ? record.items : [record];
  return resources.flatMap((r) => (typeof r?.[field] === 'string' ? [r[field]] : []));
}
