import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { RequestHandler } from 'express';
import type { Runtime } from '../config/runtime.js';
import { QUEUES } from '../jobs/queue-names.js';
import { adminKeyMiddleware } from './admin-auth.middleware.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
const BOARD = Symbol('QUEUE_DASHBOARD');

interface Board {
  router: RequestHandler;
  auth: RequestHandler;
}

/**
 * The BullMQ queues for operators at /admin/queues (bull-board), behind the admin key, read-only: the queues
 * only trigger work whose truth is in PostgreSQL, so retrying or deleting jobs by hand is never the fix.
 * Job payloads are ids only, so nothing personal is shown.
 */
@Module({})
export class QueueDashboardModule implements NestModule {
  static forRoot(runtime: Runtime): DynamicModule {
    const names = Object.values(QUEUES);
    return {
      module: QueueDashboardModule,
      providers: [
        {
          provide: BOARD,
          inject: names.map((name) => getQueueToken(name)),
          useFactory: (...queues: Queue[]) => {
            const server = new ExpressAdapter();
            server.setBasePath(QUEUE_DASHBOARD_PATH);
            createBullBoard({
              queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
              serverAdapter: server,
              options: { uiConfig: { boardTitle: 'Follow-up queues' } },
            });
            const board: Board = {
              router: server.getRouter() as RequestHandler, // typed `any` by bull-board: an Express router
              auth: adminKeyMiddleware(runtime.secrets.adminApiKey),
            };
            return board;
          },
        },
      ],
    };
  }

  constructor(@Inject(BOARD) private readonly board: Board) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.board.auth, this.board.router).forRoutes(QUEUE_DASHBOARD_PATH);
  }
}
