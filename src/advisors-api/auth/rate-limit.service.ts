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

/** Keys with a lease held at once; beyond it, expired leases are dropped (a new one costs one round trip). */
const MAX_LEASES = 10_000;

interface Lease {
  remaining: number;
  /** When the store's window ends: the lease's points belong to that window. */
  expiresAt: number;
}

/**
 * Per-token request budget for /graphql, shared by every api process: counters live in Redis when REDIS_URL
 * is set, else in PostgreSQL (table graphql_rate_limits). Over budget: TOO_MANY_REQUESTS, HTTP 429, Retry-After.
 *
 * A process takes points from the shared counter a few at a time (a lease of 1 % of the budget, at most 20) and
 * spends them locally, so most requests skip the store's round trip (about half a millisecond of a typical
 * advisor's request, bench:advisors). The counter still holds every point handed out, so the processes
 * together never admit more than the budget; a token can be refused at most (processes - 1) leases early.
 */
@Injectable()
export class RateLimitService implements OnModuleDestroy {
  private readonly limiter: RateLimiterAbstract;
  private readonly redis?: Redis;
  private readonly logger = new Logger(RateLimitService.name);
  private readonly budget: number;
  private readonly leaseSize: number;
  private readonly leases = new Map<string, Lease>();

  constructor(@Inject(RUNTIME) runtime: Runtime, @InjectDataSource() dataSource: DataSource) {
    this.budget = runtime.config.graphqlRateLimitPerMinute;
    this.leaseSize = Math.min(20, Math.max(1, Math.floor(this.budget / 100)));
    const options = {
      points: this.budget,
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
    const now = Date.now();
    const lease = this.leases.get(key);
    if (lease && lease.remaining > 0 && now < lease.expiresAt) {
      lease.remaining--;
      return;
    }
    let outcome: RateLimiterRes;
    try {
      outcome = await this.limiter.consume(key, this.leaseSize);
    } catch (refused) {
      if (!(refused instanceof RateLimiterRes)) throw refused; // the store failed: logged, answered as internal
      outcome = refused;
    }
    // A lease that crossed the budget still holds the points that were left below it.
    const granted = Math.min(this.leaseSize, this.budget - (outcome.consumedPoints - this.leaseSize));
    if (granted <= 0) throw tooManyRequests(Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)));
    const expiresAt = Date.now() + outcome.msBeforeNext;
    // Two requests of one token may lease at once: keep both leases' points.
    const current = this.leases.get(key);
    if (current && current.expiresAt > now) current.remaining += granted - 1;
    else this.remember(key, { remaining: granted - 1, expiresAt });
  }

  private remember(key: string, lease: Lease): void {
    if (this.leases.size >= MAX_LEASES) {
      const now = Date.now();
      for (const [k, l] of this.leases) if (l.expiresAt <= now || l.remaining === 0) this.leases.delete(k);
      if (this.leases.size >= MAX_LEASES) this.leases.clear();
    }
    this.leases.set(key, lease);
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }
}
