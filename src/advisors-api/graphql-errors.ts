import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError } from '../common/app-error.js';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../common/connection-errors.js';
import { LIMIT_CODES } from './graphql-hardening.js';

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function tooManyRequests(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`Too many requests for this advisor or center; retry in ${retryAfterSeconds} s.`, {
    extensions: {
      code: 'TOO_MANY_REQUESTS',
      retryAfter: retryAfterSeconds,
      http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
    },
  });
}

const SERVICE_UNAVAILABLE_MESSAGE = `The service cannot reach its database right now; retry in ${DATABASE_RETRY_AFTER_SECONDS} s.`;

/** SERVICE_UNAVAILABLE, HTTP 503 with Retry-After: the database is unreachable (isDatabaseUnavailable). */
export function serviceUnavailable(): GraphQLError {
  return new GraphQLError(SERVICE_UNAVAILABLE_MESSAGE, {
    extensions: {
      code: 'SERVICE_UNAVAILABLE',
      retryAfter: DATABASE_RETRY_AFTER_SECONDS,
      http: { status: 503, headers: new Map([['retry-after', String(DATABASE_RETRY_AFTER_SECONDS)]]) },
    },
  });
}

/**
 * For code that runs while the GraphQL context is built (authentication, rate limit): Apollo answers a plain
 * error thrown there with a 500, so a database outage must be turned into SERVICE_UNAVAILABLE before.
 */
export function asServiceUnavailable(error: unknown): unknown {
  return isDatabaseUnavailable(error) ? serviceUnavailable() : error;
}

/**
 * A resolver that finds the database down makes the whole response 503 with Retry-After, as the context's
 * failure does. Its partial `data` is dropped: the answer is "retry later", in the same shape (errors only)
 * whichever step met the outage; and with `data` in the body Nest's Apollo driver would reset the status to 200.
 */
export const serviceUnavailableStatus: ApolloServerPlugin = {
  requestDidStart: () => {
    let outage = false;
    return Promise.resolve({
      didEncounterErrors: ({ errors, response }) => {
        outage = errors.some((e) => isDatabaseUnavailable(unwrapResolverError(e)));
        if (outage) {
          response.http.status = 503;
          response.http.headers.set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
        }
        return Promise.resolve();
      },
      willSendResponse: ({ response }) => {
        if (outage && response.body.kind === 'single') {
          const { errors, extensions } = response.body.singleResult;
          response.body.singleResult = { errors, ...(extensions ? { extensions } : {}) };
        }
        return Promise.resolve();
      },
    });
  },
};

export function badUserInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ApolloServerErrorCode.BAD_USER_INPUT, field } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

/**
 * PREVIEW_TOO_LARGE: a policy preview would plan more students than one request does; the REST preview runs it
 * in the background (202 and a status resource to poll), which a GraphQL query has no way to return.
 */
export function previewTooLarge(kind: string, maxStudents: number): GraphQLError {
  return new GraphQLError(
    `More than ${maxStudents} students have open ${kind} gaps: too many to preview within a request. Use POST /v1/policies/${kind}/preview, which answers 202 and runs it in the background.`,
    {
      extensions: {
        code: 'PREVIEW_TOO_LARGE',
        maxStudents,
        restPreview: `POST /v1/policies/${kind}/preview`,
      },
    },
  );
}

/** Domain error codes (AppError.code) as GraphQL `extensions.code`. */
const CODES: Record<string, string> = {
  'validation-error': ApolloServerErrorCode.BAD_USER_INPUT,
  unprocessable: ApolloServerErrorCode.BAD_USER_INPUT,
  'not-found': 'NOT_FOUND',
  conflict: 'CONFLICT',
  unauthorized: 'UNAUTHENTICATED',
};

/** Errors Apollo or we raised on purpose: their message is meant for the caller. */
const DELIBERATE = new Set<string>([
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.BAD_USER_INPUT,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ApolloServerErrorCode.BAD_REQUEST,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'PREVIEW_TOO_LARGE',
  'NOT_FOUND',
  'CONFLICT',
  'TOO_MANY_REQUESTS',
  'SERVICE_UNAVAILABLE',
  ...Object.values(LIMIT_CODES),
]);

/**
 * One mapping of errors to what a GraphQL client sees: domain errors get their code and message; anything
 * unexpected becomes INTERNAL_SERVER_ERROR with a fixed message (never a stack trace, SQL or a driver
 * message) and is logged in full.
 */
export function formatGraphqlError(logger: { error(details: object, message: string): void }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AppError) {
      return {
        message: original.message,
        path: formatted.path,
        extensions: { code: CODES[original.code] ?? 'BAD_REQUEST', errors: original.errors },
      };
    }
    if (isDatabaseUnavailable(original)) {
      return {
        message: SERVICE_UNAVAILABLE_MESSAGE,
        path: formatted.path,
        extensions: { code: 'SERVICE_UNAVAILABLE', retryAfter: DATABASE_RETRY_AFTER_SECONDS },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && DELIBERATE.has(code)) {
      const extensions = { ...formatted.extensions };
      delete extensions.http; // transport detail, already applied to the response
      delete extensions.stacktrace;
      // A query limit's own code (graphql-hardening.ts), which Apollo's validation step replaced.
      if (typeof extensions.limitCode === 'string') extensions.code = extensions.limitCode;
      delete extensions.limitCode;
      return { ...formatted, extensions };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected GraphQL error');
    return {
      message: 'Internal server error. It has been logged.',
      path: formatted.path,
      extensions: { code: ApolloServerErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
