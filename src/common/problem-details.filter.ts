import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './connection-errors.js';
import { assignRequestId } from '../logging/logger.js';
import { AppError, type FieldError } from './app-error.js';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Maps every error on the HTTP path to RFC 9457 problem+json; nothing internal reaches the body of a 500. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception; // GraphQL formats its own errors
    const request = host.switchToHttp().getRequest<Request & { id?: string }>();
    const response = host.switchToHttp().getResponse<Response>();
    const problem = toProblem(exception);
    problem.instance = request.originalUrl?.split('?')[0];
    // Errors raised before the logging middleware (e.g. by the JSON body parser) have no id yet.
    problem.requestId = request.id ?? assignRequestId(request, response);
    const retryAfter = retryAfterSeconds(exception);
    if (problem.status === 503 && retryAfter !== undefined) {
      // Expected while a dependency is down: one line per request, no stack trace.
      const reason = exception instanceof Error ? exception.message : String(exception);
      this.logger.warn({ requestId: problem.requestId, reason }, 'service unavailable');
    } else if (problem.status >= 500) {
      this.logger.error({ err: exception, requestId: problem.requestId }, 'unhandled error');
    }
    if (response.headersSent) return;
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    if (exception instanceof HttpException && exception.getStatus() === 429) {
      const retryAfter = response.getHeader('Retry-After');
      if (retryAfter) response.setHeader('Retry-After', retryAfter);
    }
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}

export function toProblem(exception: unknown): ProblemDetails {
  const problem = toProblemWithoutFieldErrors(exception);
  // SPEC 5.1: every 400 lists its errors. A problem with the request as a whole (e.g. a body that is not
  // JSON) is one error whose path is empty: the body's root.
  if (problem.status === 400 && !problem.errors?.length)
    problem.errors = [{ path: '', message: problem.detail }];
  return problem;
}

/**
 * Seconds the client should wait before retrying, for errors that say so (`retryAfterSeconds`, e.g. a rate
 * limit) and while the database is unreachable.
 */
function retryAfterSeconds(exception: unknown): number | undefined {
  const own = (exception as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  if (typeof own === 'number' && own > 0) return Math.ceil(own);
  return isDatabaseUnavailable(exception) ? DATABASE_RETRY_AFTER_SECONDS : undefined;
}

function toProblemWithoutFieldErrors(exception: unknown): ProblemDetails {
  // Checked first: a dead connection surfaces as whatever error the query raised, never as a 500.
  if (isDatabaseUnavailable(exception)) {
    return {
      type: '/problems/service-unavailable',
      title: 'Service unavailable',
      status: 503,
      detail: `The service cannot reach its database right now; retry in ${DATABASE_RETRY_AFTER_SECONDS} s.`,
    };
  }
  if (exception instanceof AppError) {
    return {
      type: `/problems/${exception.code}`,
      title: exception.title,
      status: exception.status,
      detail: exception.message,
      ...(exception.errors ? { errors: exception.errors } : {}),
    };
  }
  const status = httpStatusOf(exception);
  if (status !== undefined && status < 500) {
    return {
      type: 'about:blank',
      title: STATUS_CODES[status] ?? 'Error',
      status,
      detail: clientDetail(exception, status),
    };
  }
  // A deliberate 5xx (e.g. 503) keeps its status; anything unexpected is a 500. Neither shows internals.
  const serverStatus = exception instanceof HttpException ? (status ?? 500) : 500;
  return {
    type: 'about:blank',
    title: STATUS_CODES[serverStatus] ?? 'Internal Server Error',
    status: serverStatus,
    detail: 'An unexpected error occurred. It has been logged; quote the requestId when reporting it.',
  };
}

/** Nest's HttpException, and errors from Express middleware such as body-parser (they carry `status`). */
function httpStatusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { status?: unknown; expose?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

function clientDetail(exception: unknown, status: number): string {
  const type = (exception as { type?: unknown }).type;
  if (type === 'entity.parse.failed') return 'The request body is not valid JSON.';
  // Nest hands body-parser's 413 over as its own exception, without `type`: the status says it.
  if (type === 'entity.too.large' || status === 413) return 'The request body is too large (at most 5 MB).';
  if (type === 'encoding.unsupported' || type === 'charset.unsupported')
    return 'The request body encoding is not supported.';
  if (exception instanceof HttpException) {
    const body = exception.getResponse();
    const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return STATUS_CODES[status] ?? 'Request failed';
}
