import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import type { DataSource } from 'typeorm';
import { RUNTIME, type Runtime } from '../../config/runtime.js';
import { AppError } from '../app-error.js';
import { SharedRateLimiter } from './shared-rate-limiter.js';

/** 429 problem+json; the problem filter sends `retryAfterSeconds` as Retry-After. */
export class TooManyRequestsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      'too-many-requests',
      'Too many requests',
      `This center has used its REST budget for this minute; retry in ${retryAfterSeconds} s.`,
    );
  }
}

/**
 * The budget headers of IETF draft-ietf-httpapi-ratelimit-headers (the widely implemented -03 spelling), on
 * every answer to a counted request: the 2xx and the errors raised after counting (400, 404, 409, 410, 422,
 * 429). Answers refused before the center is known (401, 413, 415) carry none.
 */
export const RATE_LIMIT_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'] as const;

/**
 * REST_RATE_LIMIT_PER_MINUTE requests per center, whichever of its API keys is used, shared by every api
 * process. An interceptor so it runs after every guard: only a request the auth guard resolved to a center
 * (`request.center`) is counted; admin routes, health and metrics carry none and are not limited.
 */
@Injectable()
export class RestRateLimitInterceptor implements NestInterceptor, OnModuleDestroy {
  /** Made on first use, so a worker process (health and metrics only) never connects a store. */
  private limiter?: SharedRateLimiter;

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const centerId = http.getRequest<Request & { center?: { centerId?: string } }>().center?.centerId;
    if (!centerId) return next.handle();
    this.limiter ??= new SharedRateLimiter({
      name: 'rest',
      perMinute: this.runtime.config.restRateLimitPerMinute,
      runtime: this.runtime,
      dataSource: this.dataSource,
    });
    const outcome = await this.limiter.consume(centerId);
    const [limit, remaining, reset] = RATE_LIMIT_HEADERS;
    const response = http.getResponse<Response>();
    response.setHeader(limit, String(outcome.limit));
    response.setHeader(remaining, String(outcome.admitted ? outcome.remaining : 0));
    response.setHeader(reset, String(outcome.admitted ? outcome.resetSeconds : outcome.retryAfterSeconds));
    if (!outcome.admitted) throw new TooManyRequestsError(outcome.retryAfterSeconds);
    return next.handle();
  }

  onModuleDestroy(): void {
    this.limiter?.close();
  }
}
