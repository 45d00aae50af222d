import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../common/clock.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { QUEUES } from './queue-names.js';
import { countScheduledReminders } from './queue-metrics.repository.js';

const STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

/** Gauges read when Prometheus scrapes: queue depths, and reminders scheduled / overdue for sending. */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly metrics: MetricsService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    const queues = Object.values(QUEUES).map((name) => ({
      name,
      queue: this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
    }));
    new Gauge({
      name: 'queue_jobs',
      help: 'BullMQ jobs by queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [this.metrics.registry],
      collect: async function (this: Gauge<'queue' | 'state'>) {
        for (const { name, queue } of queues) {
          const counts = await queue.getJobCounts(...STATES).catch(() => null);
          for (const state of STATES) if (counts) this.set({ queue: name, state }, counts[state] ?? 0);
        }
      },
    });
    const dataSource = this.dataSource;
    const clock = this.clock;
    new Gauge({
      name: 'reminders_scheduled',
      help: 'Reminders SCHEDULED and not yet dispatched: all, and those already due',
      labelNames: ['due'] as const,
      registers: [this.metrics.registry],
      collect: async function (this: Gauge<'due'>) {
        const row = await countScheduledReminders(dataSource, clock.now()).catch(() => undefined);
        if (row) {
          this.set({ due: 'false' }, Number(row.all) - Number(row.due));
          this.set({ due: 'true' }, Number(row.due));
        }
      },
    });
  }
}
