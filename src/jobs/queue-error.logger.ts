import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { QUEUES } from './queue-names.js';

/** While the queue backend is unreachable BullMQ reports every reconnect attempt; say so at most this often. */
const REPORT_EVERY_MS = 30_000;

/**
 * Routes BullMQ's connection errors into the structured log (instead of stray console output), throttled,
 * so an outage is visible without flooding the log. Readiness (/health/ready) reports the same outage.
 */
@Injectable()
export class QueueErrorLogger implements OnModuleInit {
  private readonly logger = new Logger('Queue');
  private readonly lastReported = new Map<string, number>();

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    for (const name of Object.values(QUEUES)) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      queue.on('error', (error: Error) => this.report(name, error));
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
