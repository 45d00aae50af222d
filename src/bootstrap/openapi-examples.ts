import { DATABASE_RETRY_AFTER_SECONDS } from '../common/connection-errors.js';
import { RATE_LIMIT_HEADERS } from '../common/rate-limit/rest-rate-limit.interceptor.js';
import { RATE_LIMIT_WINDOW_SECONDS } from '../common/rate-limit/shared-rate-limiter.js';
import type { Schema } from './openapi-limits.js';

/**
 * One example per error status, as the service sends it (types and titles from common/app-error.ts and the
 * problem filter), so Swagger UI does not show the 400 validation example under every error.
 */
export const PROBLEM_EXAMPLES: Record<string, object> = {
  '400': {
    type: '/problems/validation-error',
    title: 'Invalid request',
    status: 400,
    detail: 'The request has invalid fields; see errors[].',
    errors: [{ path: 'timezone', message: 'must be an IANA time zone such as Asia/Tokyo' }],
  },
  '401': {
    type: '/problems/unauthorized',
    title: 'Unauthorized',
    status: 401,
    detail: 'The API key is not valid or has been revoked.',
  },
  '404': {
    type: '/problems/not-found',
    title: 'Not found',
    status: 404,
    detail: 'No student stu-1 in this center.',
  },
  '409': {
    type: '/problems/conflict',
    title: 'Conflict',
    status: 409,
    detail: 'A request with this Idempotency-Key is still in progress; retry it later.',
  },
  '410': {
    type: '/problems/erased',
    title: 'Erased',
    status: 410,
    detail:
      'This delivery was about a student who has since been erased; its content is gone and it cannot be redelivered.',
  },
  '413': {
    type: 'about:blank',
    title: 'Payload Too Large',
    status: 413,
    detail: 'The request body is too large (at most 5 MB).',
  },
  '415': {
    type: '/problems/unsupported-media-type',
    title: 'Unsupported media type',
    status: 415,
    detail: 'Request bodies must be JSON, sent with Content-Type: application/json.',
  },
  '422': {
    type: '/problems/unprocessable',
    title: 'Unprocessable request',
    status: 422,
    detail: 'advisorExternalId adv-9 does not name an advisor in this center.',
  },
  '429': {
    type: '/problems/too-many-requests',
    title: 'Too many requests',
    status: 429,
    detail: 'This center has used its REST budget for this minute; retry in 12 s.',
  },
  '500': {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'An unexpected error occurred. It has been logged; quote the requestId when reporting it.',
  },
  '503': {
    type: '/problems/service-unavailable',
    title: 'Service unavailable',
    status: 503,
    detail: 'The service cannot reach its database right now; retry in 5 s.',
  },
};

const text = (example: string, description?: string): Schema => ({
  type: 'string',
  example,
  ...(description ? { description } : {}),
});

/** RFC 9457 problem+json, as common/problem-details.filter.ts writes it. */
export const PROBLEM_SCHEMA: Schema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: text('/problems/validation-error', 'A URI reference naming the kind of problem'),
    title: text('Invalid request'),
    status: { type: 'integer', format: 'int32', minimum: 400, maximum: 599, example: 400 },
    detail: text('The request has invalid fields; see errors[].'),
    instance: text('/v1/students/stu-1', 'The path of the request'),
    requestId: text('8b645842-75c2-453e-b9d4-194d92bdfafc', 'The X-Request-Id of the request'),
    errors: {
      type: 'array',
      description: 'On a 400, every invalid field (path "" is the body as a whole)',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: {
          path: text('timezone'),
          message: text('must be an IANA time zone such as Asia/Tokyo'),
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

/** The response headers of every operation, by name. */
export const RESPONSE_HEADERS = {
  'X-Request-Id': {
    description:
      "The request's id (a well-formed one sent by the caller is kept); every log line of it carries it",
    schema: { type: 'string' },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying',
    // The rate limits' window bounds it; the other senders (database outage, busy previews) wait less.
    schema: {
      type: 'integer',
      format: 'int32',
      minimum: 1,
      maximum: Math.max(RATE_LIMIT_WINDOW_SECONDS, DATABASE_RETRY_AFTER_SECONDS),
    },
  },
  'Idempotent-Replayed': {
    description: 'true when this is the stored response of an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
  [RATE_LIMIT_HEADERS[0]]: {
    description: "The center's requests per minute (REST_RATE_LIMIT_PER_MINUTE), over all its keys",
    schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 2 ** 31 - 1 },
  },
  [RATE_LIMIT_HEADERS[1]]: {
    description: 'Requests left in the current window (0 on a 429)',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 2 ** 31 - 1 },
  },
  [RATE_LIMIT_HEADERS[2]]: {
    description: 'Seconds until the window ends and the budget is whole again',
    schema: { type: 'integer', format: 'int32', minimum: 1, maximum: RATE_LIMIT_WINDOW_SECONDS },
  },
};
