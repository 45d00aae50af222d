import type { NextFunction, Request, Response } from 'express';
import { UnsupportedMediaTypeError, ValidationFailedError } from './app-error.js';

/** How deep objects and arrays may nest in a request body; no body of this API needs more than a few. */
export const MAX_JSON_DEPTH = 32;

/**
 * Refuses (415) a request that carries a body other than `application/json`: form, text, multipart or
 * untyped bodies are never parsed, so they could only reach validation as an empty body with misleading
 * errors. A request without a body (no Content-Length, or 0, or an empty chunked stream) goes on: where a
 * body is required, validation answers 400.
 */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const length = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (!chunked && (length === undefined || Number(length) === 0)) return next();
  // req.is() (type-is): the media type without parameters, so `; charset=utf-8` is fine.
  if (req.headers['content-type'] !== undefined && req.is('application/json')) return next();
  if (!chunked) return next(unsupported());
  // A chunked body announces no size: it is refused at its first byte, and an empty one is no body.
  let done = false;
  const finish = (error?: unknown) => {
    if (done) return;
    done = true;
    req.off('data', onData);
    req.resume(); // drain the rest
    next(error);
  };
  const onData = (chunk: Buffer) => {
    if (chunk.length) finish(unsupported());
  };
  req.on('data', onData);
  req.once('end', () => finish());
  req.once('error', finish);
}

function unsupported(): UnsupportedMediaTypeError {
  return new UnsupportedMediaTypeError(
    'Request bodies must be JSON, sent with Content-Type: application/json.',
  );
}

/**
 * Runs right after the JSON parser: a body nested deeper than MAX_JSON_DEPTH is a 400 before anything walks
 * it recursively (class-transformer, class-validator) and overflows the stack. Iterative, and it stops at
 * the first value past the limit.
 */
export function rejectDeepJson(req: Request, _res: Response, next: NextFunction): void {
  if (nestingExceeds(req.body, MAX_JSON_DEPTH)) {
    return next(
      new ValidationFailedError(
        [{ path: '', message: `must not nest objects and arrays more than ${MAX_JSON_DEPTH} levels deep` }],
        'The request body is nested too deeply.',
      ),
    );
  }
  next();
}

/** Whether objects and arrays in `value` nest more than `max` levels (the body itself is level 1). */
export function nestingExceeds(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const pending: [object, number][] = [[value, 1]];
  while (pending.length) {
    const [current, depth] = pending.pop()!;
    if (depth > max) return true;
    for (const item of Array.isArray(current) ? current : Object.values(current)) {
      if (item !== null && typeof item === 'object') pending.push([item as object, depth + 1]);
    }
  }
  return false;
}
