import { getQueueToken, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { QUEUES } from './queue-names.js';

/** While the queue backend is unreachable BullMQ reports every reconnect attempt; say so at most this often. */
const REPORT_EVERY_MS = 30_000;

/**
 * Routes BullMQ's connection errors, from queues and workers, into the structured log (instead of stray
 * console output with a stack per attempt), throttled, so an outage is visible without flooding the log.
 * Readiness (/health/ready) reports the same outage.
 */
@Injectable()
export class QueueErrorLogger implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Queue');
  private readonly lastReported = new Map<string, number>();

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly discovery: DiscoveryService,
  ) {}

  onModuleInit(): void {
    for (const name of Object.values(QUEUES)) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      queue.on('error', (error: Error) => this.report(name, error));
    }
  }

  /** Workers exist only once @nestjs/bullmq has started them, in its own onModuleInit. */
  onApplicationBootstrap(): void {
    for (const { instance } of this.discovery.getProviders()) {
      const worker =
        instance instanceof WorkerHost ? (instance.worker as WorkerHost['worker'] | undefined) : undefined;
      worker?.on('error', (error: Error) => this.report(`${worker.name} (worker)`, error));
    }
  }

  private report(queue: string, error: Error): void {
    const now = Date.now();
    if (now - (this.lastReported.get(queue) ?? 0) < REPORT_EVERY_MS) return;
    this.lastReported.set(queue, now);
    this.logger.warn(
      { queue, error: error.message },
      'queue backend error (repeats are suppressed for 30 s)',
    );
  }
}
