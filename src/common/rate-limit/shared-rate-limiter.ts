import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import type { Runtime } from '../../config/runtime.js';
import { redisOptions } from '../../config/redis-options.js';

/** Keys with a lease held at once; beyond it, expired leases are dropped (a new one costs one round trip). */
const MAX_LEASES = 10_000;

interface Lease {
  remaining: number;
  /** What the store had left beyond this lease when it was taken (other processes may have spent some since). */
  storeRemaining: number;
  /** When the store's window ends: the lease's points belong to that window. */
  expiresAt: number;
}

export interface SharedRateLimiterOptions {
  /** Keeps this limiter's counters apart from the others' in the shared store (`graphql`, `rest`). */
  name: string;
  /** Requests per key per minute, across all processes. */
  perMinute: number;
  runtime: Runtime;
  dataSource: DataSource;
}

/** The window a budget is counted over. */
export const RATE_LIMIT_WINDOW_SECONDS = 60;

/**
 * `admitted` with what is left of the key's budget as this process knows it (exact with one process; with
 * several, other processes' spending shows up at this one's next lease) and when the window ends, or how long
 * until it ends.
 */
export type RateLimitOutcome =
  | { admitted: true; limit: number; remaining: number; resetSeconds: number }
  | { admitted: false; limit: number; retryAfterSeconds: number };

/**
 * A per-key request budget per minute, shared by every api process: counters live in Redis when REDIS_URL is
 * set, else in PostgreSQL (table graphql_rate_limits, which every limiter shares, apart by key prefix). While
 * Redis is unreachable each process counts in memory instead (the budget then holds per process); on
 * PostgreSQL the store shares the database's fate, and its outage is answered 503 like any other query.
 *
 * A process takes points from the shared counter a few at a time (a lease of 1 % of the budget, at most 20) and
 * spends them locally, so most requests skip the store's round trip (about half a millisecond of a typical
 * advisor's request, bench:advisors). The counter still holds every point handed out, so the processes
 * together never admit more than the budget; a key can be refused at most (processes - 1) leases early.
 */
export class SharedRateLimiter {
  private readonly limiter: RateLimiterAbstract;
  private readonly redis?: Redis;
  private readonly logger: Logger;
  private readonly budget: number;
  private readonly leaseSize: number;
  private readonly leases = new Map<string, Lease>();

  constructor({ name, perMinute, runtime, dataSource }: SharedRateLimiterOptions) {
    this.logger = new Logger(`RateLimit:${name}`);
    this.budget = perMinute;
    this.leaseSize = Math.min(20, Math.max(1, Math.floor(this.budget / 100)));
    const options = {
      points: this.budget,
      duration: RATE_LIMIT_WINDOW_SECONDS,
      keyPrefix: `${runtime.queueNamespace ?? 'cfu'}_${name}`,
    };
    if (runtime.config.redisUrl) {
      this.redis = new Redis({ ...redisOptions(runtime.config.redisUrl), maxRetriesPerRequest: 1 });
      // ioredis reconnects by itself; say so at most once a minute instead of once per attempt.
      let lastLogged = 0;
      this.redis.on('error', (err: Error) => {
        if (Date.now() - lastLogged < 60_000) return;
        lastLogged = Date.now();
        this.logger.warn(
          { err },
          'rate-limit Redis unreachable; each process counts on its own until it is back',
        );
      });
      this.limiter = new RateLimiterRedis({
        ...options,
        storeClient: this.redis,
        // Redis down must not take the APIs down with it: once a command fails (after one reconnect attempt,
        // maxRetriesPerRequest) each process counts on its own. Not rejectIfRedisNotReady: that would also
        // count in memory the first requests after boot, before the connection is up.
        insuranceLimiter: new RateLimiterMemory({ points: this.budget, duration: RATE_LIMIT_WINDOW_SECONDS }),
      });
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

  /** Takes one request from `key`'s budget. A store that fails rejects (the caller's error path answers it). */
  async consume(key: string): Promise<RateLimitOutcome> {
    const now = Date.now();
    const lease = this.leases.get(key);
    if (lease && lease.remaining > 0 && now < lease.expiresAt) {
      lease.remaining--;
      return this.admitted(lease, now);
    }
    let outcome: RateLimiterRes;
    try {
      outcome = await this.limiter.consume(key, this.leaseSize);
    } catch (refused) {
      if (!(refused instanceof RateLimiterRes)) throw refused;
      outcome = refused;
    }
    // A lease that crossed the budget still holds the points that were left below it.
    const granted = Math.min(this.leaseSize, this.budget - (outcome.consumedPoints - this.leaseSize));
    if (granted <= 0)
      return {
        admitted: false,
        limit: this.budget,
        retryAfterSeconds: Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)),
      };
    const expiresAt = Date.now() + outcome.msBeforeNext;
    const storeRemaining = Math.max(0, outcome.remainingPoints);
    // Two requests of one key may lease at once: keep both leases' points.
    const current = this.leases.get(key);
    if (current && current.expiresAt > now) {
      current.remaining += granted - 1;
      current.storeRemaining = Math.min(current.storeRemaining, storeRemaining);
      return this.admitted(current, now);
    }
    const fresh = { remaining: granted - 1, storeRemaining, expiresAt };
    this.remember(key, fresh);
    return this.admitted(fresh, now);
  }

  private admitted(lease: Lease, now: number): RateLimitOutcome {
    return {
      admitted: true,
      limit: this.budget,
      remaining: lease.storeRemaining + lease.remaining,
      resetSeconds: Math.max(1, Math.ceil((lease.expiresAt - now) / 1000)),
    };
  }

  private remember(key: string, lease: Lease): void {
    if (this.leases.size >= MAX_LEASES) {
      const now = Date.now();
      for (const [k, l] of this.leases) if (l.expiresAt <= now || l.remaining === 0) this.leases.delete(k);
      if (this.leases.size >= MAX_LEASES) this.leases.clear();
    }
    this.leases.set(key, lease);
  }

  close(): void {
    this.redis?.disconnect();
  }
}
