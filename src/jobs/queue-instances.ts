import { getQueueToken, WorkerHost } from '@nestjs/bullmq';
import type { DiscoveryService, ModuleRef } from '@nestjs/core';
import type { Queue, Worker } from 'bullmq';
import { QUEUES } from './queue-names.js';

/** Every registered queue, by name (all roles register them: the API enqueues). */
export function registeredQueues(moduleRef: ModuleRef): Array<[name: string, queue: Queue]> {
  return Object.values(QUEUES).map((name) => [
    name,
    moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
  ]);
}

/** The running workers; they exist only once @nestjs/bullmq has started them, in its own onModuleInit. */
export function runningWorkers(discovery: DiscoveryService): Worker[] {
  return discovery
    .getProviders()
    .map(({ instance }) =>
      instance instanceof WorkerHost ? (instance.worker as Worker | undefined) : undefined,
    )
    .filter((worker): worker is Worker => worker !== undefined);
}
