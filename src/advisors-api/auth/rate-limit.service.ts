import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { SharedRateLimiter } from '../../common/rate-limit/shared-rate-limiter.js';
import { RUNTIME, type Runtime } from '../../config/runtime.js';
import { asServiceUnavailable, tooManyRequests } from '../graphql-errors.js';

/**
 * Request budget for /graphql per Viewer.rateKey (one per advisor, one per center for all its API keys),
 * GRAPHQL_RATE_LIMIT_PER_MINUTE, shared by every api process. Over budget: TOO_MANY_REQUESTS, HTTP 429,
 * Retry-After.
 */
@Injectable()
export class RateLimitService implements OnModuleDestroy {
  private readonly limiter: SharedRateLimiter;

  constructor(@Inject(RUNTIME) runtime: Runtime, @InjectDataSource() dataSource: DataSource) {
    this.limiter = new SharedRateLimiter({
      name: 'graphql',
      perMinute: runtime.config.graphqlRateLimitPerMinute,
      runtime,
      dataSource,
    });
  }

  async consume(key: string): Promise<void> {
    let outcome;
    try {
      outcome = await this.limiter.consume(key);
    } catch (error) {
      // The PostgreSQL store unreachable: 503 (an unreachable Redis store falls back to counting in memory).
      throw asServiceUnavailable(error);
    }
    if (!outcome.admitted) throw tooManyRequests(outcome.retryAfterSeconds);
  }

  onModuleDestroy(): void {
    this.limiter.close();
  }
}
