import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError } from '../common/app-error.js';

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function tooManyRequests(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`Too many requests for this token; retry in ${retryAfterSeconds} s.`, {
    extensions: {
      code: 'TOO_MANY_REQUESTS',
      retryAfter: retryAfterSeconds,
      http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
    },
  });
}

export function badUserInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ApolloServerErrorCode.BAD_USER_INPUT, field } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
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
  'NOT_FOUND',
  'CONFLICT',
  'TOO_MANY_REQUESTS',
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
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && DELIBERATE.has(code)) {
      const extensions = { ...formatted.extensions };
      delete extensions.http; // transport detail, already applied to the response
      delete extensions.stacktrace;
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
