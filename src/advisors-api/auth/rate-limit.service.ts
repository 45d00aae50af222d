import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import {
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import { RUNTIME, type Runtime } from '../../config/runtime.js';
import { redisOptions } from '../../jobs/queue-connection.js';
import { tooManyRequests } from '../graphql-errors.js';

/**
 * Per-token request budget for /graphql, shared by every api process: counters live in Redis when REDIS_URL
 * is set, else in PostgreSQL (table graphql_rate_limits). Over budget: TOO_MANY_REQUESTS, HTTP 429, Retry-After.
 */
@Injectable()
export class RateLimitService implements OnModuleDestroy {
  private readonly limiter: RateLimiterAbstract;
  private readonly redis?: Redis;
  private readonly logger = new Logger(RateLimitService.name);

  constructor(@Inject(RUNTIME) runtime: Runtime, @InjectDataSource() dataSource: DataSource) {
    const options = {
      points: runtime.config.graphqlRateLimitPerMinute,
      duration: 60,
      keyPrefix: `${runtime.queueNamespace ?? 'cfu'}_graphql`,
    };
    if (runtime.config.redisUrl) {
      this.redis = new Redis({ ...redisOptions(runtime.config.redisUrl), maxRetriesPerRequest: 1 });
      // ioredis reconnects by itself; say so at most once a minute instead of once per attempt.
      let lastLogged = 0;
      this.redis.on('error', (err: Error) => {
        if (Date.now() - lastLogged < 60_000) return;
        lastLogged = Date.now();
        this.logger.warn({ err }, 'rate-limit Redis unreachable; GraphQL requests fail until it is back');
      });
      this.limiter = new RateLimiterRedis({ ...options, storeClient: this.redis });
    } else {
      this.limiter = new RateLimiterPostgres({
        ...options,
        storeClient: dataSource,
        storeType: 'typeorm',
        tableName: 'graphql_rate_limits',
        tableCreated: true,
        clearExpiredByTimeout: false,
      });
    }
  }

  async consume(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes)
        throw tooManyRequests(Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)));
      throw outcome; // the store failed: a real error, logged and answered as internal
    }
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }
}
