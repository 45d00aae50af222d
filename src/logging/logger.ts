import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { LoggerService } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type Logger } from 'pino';
import type { Request } from 'express';
import type { Options as PinoHttpOptions } from 'pino-http';
import { routeLabel } from './route-label.js';

/**
 * Fields that must never reach a log line, wherever they appear in a logged object. Request bodies and
 * headers are not logged at all (see the serializers below); this is the second line of defence.
 */
const REDACT_PATHS = [
  'authorization',
  'apiKey',
  'secret',
  'password',
  'email',
  'token',
  '*.authorization',
  '*.apiKey',
  '*.secret',
  '*.password',
  '*.email',
  '*.token',
  // A failed query's bound values and PostgreSQL's detail (`Key (email)=(…)`) can hold personal data.
  'err.parameters',
  'err.detail',
  'err.driverError',
  'req.headers',
];

export function createRootLogger(level: string): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  });
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a well-formed incoming X-Request-Id (so callers can correlate), else makes one; echoes it on the response. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
  if (!res.headersSent) res.setHeader('X-Request-Id', id);
  return id;
}

/** pino-http options: a request id on every response and log line, and request logs without headers or bodies. */
export function httpLoggingOptions(logger: Logger): PinoHttpOptions {
  return {
    logger,
    quietReqLogger: true,
    genReqId: assignRequestId,
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      // No path: a path value can be personal data (an e-mail used as an id). The route comes below.
      req: (req: { id: string; method: string }) => ({ id: req.id, method: req.method }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // The matched route's pattern (`/v1/students/:externalId`), added when the response is done: only then
    // does the request know its route.
    customSuccessObject: (req, _res, value: object) => ({ ...value, route: routeLabel(req as Request) }),
    customErrorObject: (req, _res, _err, value: object) => ({ ...value, route: routeLabel(req as Request) }),
    autoLogging: { ignore: (req) => req.url === '/health/live' || req.url === '/metrics' },
  };
}

/**
 * Nest's start-up chatter: a line per module ("… dependencies initialized") and per route ("Mapped {…}
 * route"), some 90 lines at info that bury the lines that matter. They go to debug (LOG_LEVEL=debug shows them).
 */
const STARTUP_CHATTER_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

function isStartupChatter(message: unknown, params: unknown[]): boolean {
  const context = params.at(-1);
  return (
    (typeof context === 'string' && STARTUP_CHATTER_CONTEXTS.has(context)) ||
    (typeof message === 'string' && message.startsWith('Mapped {')) // GraphQLModule maps /graphql the same way
  );
}

/** Nest's logger with its start-up chatter demoted from info (`log`) to debug. */
export function withQuietStartup(nest: LoggerService): LoggerService {
  return {
    log(message: unknown, ...params: unknown[]) {
      if (isStartupChatter(message, params)) nest.debug?.(message, ...params);
      else nest.log(message, ...params);
    },
    error: (message: unknown, ...params: unknown[]) => void nest.error(message, ...params),
    warn: (message: unknown, ...params: unknown[]) => void nest.warn(message, ...params),
    debug: (message: unknown, ...params: unknown[]) => void nest.debug?.(message, ...params),
    verbose: (message: unknown, ...params: unknown[]) => void nest.verbose?.(message, ...params),
    fatal: (message: unknown, ...params: unknown[]) => void nest.fatal?.(message, ...params),
  };
}

/**
 * Logs `msg` at info, then calls `then` once that line is written out, so what `then` prints to another stream
 * shows after it on a terminal. pino writes asynchronously (sonic-boom), and `logger.flush(cb)` calls back at
 * once when nothing is buffered, even while the line is still being written; sonic-boom emits 'drain' once
 * the write in flight is done and nothing is left, and right after a log call a write is always pending.
 */
export function logInfoThen(logger: Logger, fields: object, msg: string, then: () => void): void {
  logger.info(fields, msg);
  const stream: unknown = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
  if (!logger.isLevelEnabled('info') || !(stream instanceof EventEmitter)) return then();
  const done = () => {
    stream.off('drain', done).off('error', done);
    then();
  };
  stream.once('drain', done).once('error', done);
}
