import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { unlessStopping } from '../logging/shutdown-state.js';
import { registeredQueues, runningWorkers } from './queue-instances.js';

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
    for (const [name, queue] of registeredQueues(this.moduleRef)) {
      queue.on('error', (error: Error) => this.report(name, error));
    }
  }

  onApplicationBootstrap(): void {
    for (const worker of runningWorkers(this.discovery)) {
      worker.on('error', (error: Error) => this.report(`${worker.name} (worker)`, error));
    }
  }

  private report(queue: string, error: Error): void {
    unlessStopping(
      () => {
        const now = Date.now();
        if (now - (this.lastReported.get(queue) ?? 0) < REPORT_EVERY_MS) return;
        this.lastReported.set(queue, now);
        this.logger.warn(
          { queue, error: error.message },
          'queue backend error (repeats are suppressed for 30 s)',
        );
      },
      () => this.logger.debug({ queue, error: error.message }, 'queue connection closed while stopping'),
    );
  }
}
