import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from '../app.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { httpMetricsMiddleware } from '../metrics/http-metrics.middleware.js';
import { mountOpenApi } from './openapi.js';
import { rejectDeepJson, requireJsonBody } from '../common/json-body.js';
import { withQuietStartup } from '../logging/logger.js';

/** Builds the Nest application for a prepared runtime; shared by main.ts and the e2e tests. */
export async function createApp(options: AppModuleOptions): Promise<INestApplication> {
  // One spelling per route: `/V1/centers`, `/v1/centers/` and the like are 404, not another way in. Express
  // reads these settings when it first builds its router, so they are set before Nest registers anything.
  const server = express();
  server.set('case sensitive routing', true);
  server.set('strict routing', true);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(options),
    new ExpressAdapter(server),
    {
      bufferLogs: true,
      abortOnError: false, // let start-up errors reach the caller (main.ts reports them; tests assert on them)
      forceCloseConnections: true,
      bodyParser: false, // Nest's defaults would also parse urlencoded forms; only JSON is registered below
    },
  );
  app.useLogger(withQuietStartup(app.get(PinoNestLogger)));
  app.set('trust proxy', false);
  app.disable('x-powered-by');
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  app.use('/v1', requireJsonBody);
  app.useBodyParser('json', { limit: '5mb' });
  app.use(rejectDeepJson);
  if (options.runtime.config.role !== 'worker') mountOpenApi(app);
  return app;
}
