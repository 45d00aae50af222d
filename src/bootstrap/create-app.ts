import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from '../app.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { httpMetricsMiddleware } from '../metrics/http-metrics.middleware.js';
import { mountOpenApi } from './openapi.js';

/** Builds the Nest application for a prepared runtime; shared by main.ts and the e2e tests. */
export async function createApp(options: AppModuleOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    bufferLogs: true,
    abortOnError: false, // let start-up errors reach the caller (main.ts reports them; tests assert on them)
    forceCloseConnections: true,
  });
  app.useLogger(app.get(PinoNestLogger));
  app.set('trust proxy', false);
  app.disable('x-powered-by');
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  app.useBodyParser('json', { limit: '5mb' });
  if (options.runtime.config.role !== 'worker') mountOpenApi(app);
  return app;
}
