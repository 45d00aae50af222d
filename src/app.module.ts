import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AdvisorsApiModule } from './advisors-api/advisors-api.module.js';
import { QueueDashboardModule } from './admin/queue-dashboard.module.js';
import { AuditModule } from './audit/audit.module.js';
import { CentersModule } from './centers/centers.module.js';
import { DirectoryModule } from './directory/directory.module.js';
import { InteractionsModule } from './interactions/interactions.module.js';
import { IdempotencyInterceptor } from './common/idempotency/idempotency.interceptor.js';
import { IdempotencyService } from './common/idempotency/idempotency.service.js';
import { CLOCK, systemClock, type Clock } from './common/clock.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { RestRateLimitInterceptor } from './common/rate-limit/rest-rate-limit.interceptor.js';
import { createValidationPipe } from './common/validation.js';
import { RUNTIME, type Runtime } from './config/runtime.js';
import { dataSourceOptions } from './database/data-source.js';
import { FollowUpsApiModule, FollowUpsWorkerModule } from './follow-ups/follow-ups.module.js';
import { HealthModule } from './health/health.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { httpLoggingOptions } from './logging/logger.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { MetricsService } from './metrics/metrics.service.js';
import { StatementCounter } from './database/statement-counter.js';
import { RemindersModule } from './reminders/reminders.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

export interface AppModuleOptions {
  runtime: Runtime;
  logger: Logger;
  /** Tests pass a controllable clock; everything else uses the system clock. */
  clock?: Clock;
}

/** Runtime, clock and the error/validation conventions, available everywhere. */
@Global()
@Module({})
class CoreModule {
  static forRoot({ runtime, clock }: AppModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: CLOCK, useValue: clock ?? systemClock },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: () => createValidationPipe() },
        // Before idempotency: a center over its budget is refused before any other work is done.
        { provide: APP_INTERCEPTOR, useClass: RestRateLimitInterceptor },
        IdempotencyService,
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [RUNTIME, CLOCK, IdempotencyService],
    };
  }
}

/**
 * The whole service. The process role decides what is mounted: `worker` serves only health and metrics
 * over HTTP and runs the job processors; `api` serves REST and GraphQL and runs no processors; `all` both.
 */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const { runtime, logger } = options;
    const servesApi = runtime.config.role !== 'worker';
    const runsWorkers = runtime.config.role !== 'api';
    const webhooks = WebhooksModule.forRoot({ servesApi, runsWorkers });
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(options),
        LoggerModule.forRoot({ pinoHttp: httpLoggingOptions(logger) }),
        TypeOrmModule.forRootAsync({
          imports: [MetricsModule],
          inject: [MetricsService],
          useFactory: (metrics: MetricsService) => ({
            ...dataSourceOptions(runtime.databaseUrl),
            logger: new StatementCounter(metrics.sqlStatements),
          }),
        }),
        JobsModule.forRoot(runtime),
        MetricsModule,
        HealthModule,
        ...(servesApi ? [FollowUpsApiModule] : []),
        ...(runsWorkers ? [FollowUpsWorkerModule] : []),
        webhooks,
        RemindersModule.forRoot({ runsWorkers, webhooks }),
        ...(servesApi
          ? [
              AuditModule,
              CentersModule,
              DirectoryModule,
              InteractionsModule,
              AdvisorsApiModule.forRoot(runtime),
              QueueDashboardModule.forRoot(runtime),
            ]
          : []),
      ],
    };
  }
}
