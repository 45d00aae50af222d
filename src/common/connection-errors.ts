/**
 * Whether an error means "the database cannot be reached right now" (as opposed to a bad query): the server
 * is shutting down or starting (57P01-57P03), the connection failed or broke (class 08, socket errors), or no
 * connection could be had in time. The one classification every error path (REST filter, GraphQL) relies on
 * to answer 503 with Retry-After instead of 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return someCause(error, (e) => {
    const code = typeof e.code === 'string' ? e.code : '';
    if (['57P01', '57P02', '57P03'].includes(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
    if (SOCKET_CODES.has(code)) return true;
    const message = typeof e.message === 'string' ? e.message : '';
    return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
  });
}

/** Seconds a client is told to wait (Retry-After) while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** node-postgres and pg-pool report some failures by message only. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // "… unexpectedly", "… due to connection timeout"
  /^timeout exceeded when trying to connect/, // pg-pool: connectionTimeoutMillis passed
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
  thrownValue?: unknown;
}

/**
 * TypeORM wraps the driver's error (driverError), Node reports every address it tried (AggregateError), and
 * graphql-js wraps what is not an `Error` of its own realm (NonErrorThrown.thrownValue, e.g. under Jest's VM).
 */
function someCause(error: unknown, test: (e: ErrorLike) => boolean, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const e = error as ErrorLike;
  if (test(e)) return true;
  const nested = [
    e.driverError,
    e.cause,
    e.thrownValue,
    ...(Array.isArray(e.errors) ? (e.errors as unknown[]) : []),
  ];
  return nested.some((inner) => inner !== error && someCause(inner, test, depth + 1));
}
