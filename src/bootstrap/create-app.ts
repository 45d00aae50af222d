import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from '../app.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { httpMetricsMiddleware } from '../metrics/http-metrics.middleware.js';

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

function mountOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Career follow-up service')
    .setDescription(
      'REST API for the career center portal. Authenticate with `Authorization: Bearer <center API key>`; ' +
        'errors are RFC 9457 problem+json.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A center API key (cfk_…)' }, 'apiKey')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The ADMIN_API_KEY' }, 'adminKey')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
  });
}
