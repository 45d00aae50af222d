import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { AppError } from '../common/app-error.js';
import { Public } from '../common/auth/route-access.js';
import { QueueHealthIndicator } from './queue.health.js';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly queue: QueueHealthIndicator,
  ) {}

  /** The process is up; says nothing about its dependencies (use it for liveness probes). */
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The database and the queue answer (use it for readiness probes and load balancers). */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database and the queue answer' })
  @HealthCheck()
  @ApiOkResponse({ description: 'Database and queue reachable' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; the body says which' })
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: 3000 }),
        () => this.queue.isHealthy('queue'),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const down = Object.entries(result.error ?? {}).map(([name, detail]) => {
        const message: unknown = detail?.message;
        return typeof message === 'string' ? `${name} (${message})` : name;
      });
      throw new AppError(503, 'not-ready', 'Service not ready', `Not ready; down: ${down.join(', ')}.`);
    }
  }
}
