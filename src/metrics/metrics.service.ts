import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per app instance (not the global one), so several apps in a test process do not collide. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly reminderTransitions = new Counter({
    name: 'reminder_transitions_total',
    help: 'Reminders that reached a final state when due: SENT, FAILED, or CANCELLED at send time',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly deliveryAttempts = new Counter({
    name: 'webhook_delivery_attempts_total',
    help: 'Webhook delivery attempts by outcome: success (2xx), http_error, network_error (no answer), gone (410)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly deliveryLatency = new Histogram({
    name: 'webhook_delivery_latency_seconds',
    help: 'Time of one webhook delivery attempt, request to response',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    registers: [this.registry],
  });

  readonly reminderLateness = new Histogram({
    name: 'reminder_lateness_seconds',
    help: "From a reminder's due instant to its first successful delivery",
    buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 300, 1800, 3600, 21_600, 86_400],
    registers: [this.registry],
  });

  readonly sqlStatements = new Counter({
    name: 'db_statements_total',
    help: 'SQL statements this process sent to PostgreSQL (transaction control included)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
