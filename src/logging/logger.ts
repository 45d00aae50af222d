import { randomUUID } from 'node:crypto';
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
