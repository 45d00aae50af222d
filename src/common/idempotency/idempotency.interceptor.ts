import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { catchError, from, mergeMap, of, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/center-context.js';
import { ValidationFailedError } from '../app-error.js';
import { IdempotencyService } from './idempotency.service.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on every POST: the same key and request replays the first response (with
 * `Idempotent-Replayed: true`); the same key with another request is 422. Keys are scoped per center (the
 * admin key has its own scope). Only successful responses are kept; a failed request can be retried.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const key = request.headers['idempotency-key'];
    // Every POST that reaches an interceptor is a Nest route and has passed AccessGuard: no path test here.
    if (request.method !== 'POST' || key === undefined) return next.handle();
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new ValidationFailedError([
        { path: 'Idempotency-Key', message: 'must be 1–255 visible ASCII characters' },
      ]);
    }
    const scope = request.center?.centerId ?? 'admin';
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.originalUrl}\n${JSON.stringify(request.body ?? null)}`)
      .digest();

    return from(this.idempotency.claim(scope, key, fingerprint)).pipe(
      mergeMap((claim) => {
        if (claim.kind === 'replay') {
          response.status(claim.statusCode).setHeader('Idempotent-Replayed', 'true');
          return of(claim.body);
        }
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            await this.idempotency.complete(scope, key, response.statusCode, body);
            return body;
          }),
          catchError(async (error: unknown) => {
            await this.idempotency.release(scope, key);
            throw error;
          }),
        );
      }),
    );
  }
}
