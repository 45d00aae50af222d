import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { adminKeyNotice } from './bootstrap/admin-key-notice.js';
import { createApp } from './bootstrap/create-app.js';
import { prepareRuntime } from './bootstrap/runtime.js';
import type { Server } from 'node:http';
import { ConfigError, loadConfig, type AppConfig } from './config/config.js';
import { StartupError } from './common/startup-error.js';
import { createRootLogger, logInfoThen } from './logging/logger.js';
import { markStopping } from './logging/shutdown-state.js';

/** Longest we wait for running jobs and requests to finish on SIGTERM/SIGINT before exiting anyway. */
const SHUTDOWN_GRACE_MS = 30_000;

function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee README.md, section Configuration.\n`);
    process.exit(78); // EX_CONFIG
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createRootLogger(config.logLevel);
  const { runtime, release, generatedAdminKey } = await prepareRuntime(logger, config);

  let app: INestApplication<Server> | undefined;
  try {
    app = await createApp({ runtime, logger });
    await app.listen(config.port, '0.0.0.0');
  } catch (error) {
    await app?.close().catch(() => undefined);
    await release();
    throw error;
  }
  const address = app.getHttpServer().address() as { port: number };
  // The generated admin key comes after the "listening" line: the last thing on the terminal, not scrolled away.
  logInfoThen(
    logger,
    { port: address.port, role: config.role },
    `listening on http://localhost:${address.port}`,
    () => {
      if (generatedAdminKey) process.stderr.write(adminKeyNotice(generatedAdminKey, address.port));
    },
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals | 'disconnect') => {
    if (stopping) return;
    stopping = true;
    markStopping();
    logger.info({ signal }, 'shutting down: no new requests, waiting for running jobs');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    void (async () => {
      try {
        await app.close(); // stops the HTTP server, lets workers finish their jobs, closes pools
        await release(); // the embedded PostgreSQL goes last: running jobs needed it
        logger.info('stopped');
        process.exit(0);
      } catch (error) {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      }
    })();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // Started with an IPC channel (as `npm run demo` starts it): when the parent goes away, even killed
  // outright, the channel closes and we stop as on SIGTERM rather than run on unattended.
  if (process.send) process.once('disconnect', () => shutdown('disconnect'));
}

main().catch((error: unknown) => {
  const text =
    error instanceof StartupError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`fatal: ${text}\n`);
  process.exit(error instanceof StartupError ? error.exitCode : 1);
});
