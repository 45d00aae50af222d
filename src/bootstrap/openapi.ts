import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { operationIdFor } from './operation-ids.js';

type Operation = { responses: Record<string, unknown>; parameters?: unknown[]; security?: unknown[] };

const PROBLEM = { $ref: '#/components/schemas/Problem' };

/**
 * One example per error status, as the service sends it (types and titles from common/app-error.ts and the
 * problem filter), so Swagger UI does not show the 400 validation example under every error.
 */
const PROBLEM_EXAMPLES: Record<string, object> = {
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
  '503': {
    type: '/problems/service-unavailable',
    title: 'Service unavailable',
    status: 503,
    detail: 'The service cannot reach its database right now; retry in 5 s.',
  },
};

type Response = {
  description?: string;
  content?: Record<string, unknown>;
  headers?: Record<string, unknown>;
};

/** The problem+json body of an error response, with the example of its status. */
const problemContent = (status: string) => ({
  'application/problem+json': { schema: PROBLEM, example: PROBLEM_EXAMPLES[status] },
});
const problemResponse = (status: string, description: string): Response => ({
  description,
  content: problemContent(status),
});

/** Serves the OpenAPI document at /openapi.json (and .yaml) and Swagger UI at /docs. */
export function mountOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Career follow-up service')
    .setDescription(
      'REST API for the career center portal. Authenticate with `Authorization: Bearer <center API key>`. ' +
        'Errors are RFC 9457 problem+json. Every POST accepts an `Idempotency-Key` header.',
    )
    .setVersion('1')
    // Opaque keys, not JWTs (Nest's addBearerAuth would say bearerFormat JWT); only GraphQL takes JWTs.
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'API key', description: 'A center API key (cfk_…)' },
      'apiKey',
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'API key', description: 'The ADMIN_API_KEY (adm_…)' },
      'adminKey',
    )
    .build();
  const document = withConventions(
    SwaggerModule.createDocument(app, config, { operationIdFactory: operationIdFor }),
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
  });
}

/**
 * Adds what every /v1 operation shares, once, instead of on each route: the problem+json error responses
 * and the Idempotency-Key header of POSTs.
 */
function withConventions(document: OpenAPIObject): OpenAPIObject {
  document.components = document.components ?? {};
  document.components.schemas = {
    ...document.components.schemas,
    Problem: {
      type: 'object',
      required: ['type', 'title', 'status', 'detail'],
      properties: {
        type: { type: 'string', example: '/problems/validation-error' },
        title: { type: 'string', example: 'Invalid request' },
        status: { type: 'integer', example: 400 },
        detail: { type: 'string', example: 'The request has invalid fields; see errors[].' },
        instance: { type: 'string', example: '/v1/students/stu-1' },
        requestId: { type: 'string', example: '8b645842-75c2-453e-b9d4-194d92bdfafc' },
        errors: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              path: { type: 'string', example: 'timezone' },
              message: { type: 'string', example: 'must be an IANA time zone such as Asia/Tokyo' },
            },
          },
        },
      },
    },
  };
  document.components.headers = {
    ...document.components.headers,
    'X-Request-Id': {
      description:
        "The request's id (a well-formed one sent by the caller is kept); every log line of it carries it",
      schema: { type: 'string' },
    },
    'Retry-After': {
      description: 'Seconds to wait before retrying',
      schema: { type: 'integer', minimum: 1 },
    },
    'Idempotent-Replayed': {
      description:
        'true when this is the stored response of an earlier request with the same Idempotency-Key',
      schema: { type: 'string', enum: ['true'] },
    },
  };
  const header = (name: string) => ({ $ref: `#/components/headers/${name}` });
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const [method, operation] of Object.entries(item as Record<string, Operation>)) {
      const responses = operation.responses as Record<string, Response>;
      const hasBody = method === 'put' || method === 'post';
      responses['400'] ??= problemResponse('400', 'Invalid input: errors[] lists each problem');
      responses['401'] ??= problemResponse('401', 'Missing, wrong or revoked key');
      if (path.includes('{')) responses['404'] ??= problemResponse('404', "Not found in the caller's center");
      if (method === 'post')
        responses['409'] ??= problemResponse(
          '409',
          'A request with this Idempotency-Key is still in progress',
        );
      if (hasBody) {
        responses['413'] ??= problemResponse('413', 'A body over 5 MB');
        responses['415'] ??= problemResponse('415', 'A body that is not application/json');
        responses['422'] ??= problemResponse(
          '422',
          'A referenced record does not exist, or an Idempotency-Key was reused',
        );
      }
      responses['429'] ??= problemResponse('429', "Over the center's requests per minute; see Retry-After");
      responses['503'] ??= problemResponse('503', 'The database is unreachable; retry after Retry-After');
      // Error responses a controller declared (410, a route's own 409) get the problem body and example too.
      for (const [status, response] of Object.entries(responses)) {
        if (PROBLEM_EXAMPLES[status] && !response.content) response.content = problemContent(status);
      }
      if (method === 'post') {
        for (const [status, response] of Object.entries(responses)) {
          if (status.startsWith('2'))
            response.headers = { ...response.headers, 'Idempotent-Replayed': header('Idempotent-Replayed') };
        }
        operation.parameters = [
          ...(operation.parameters ?? []),
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description: 'Repeat with the same key and body within 24 h to get the first response again',
            schema: { type: 'string', maxLength: 255 },
          },
        ];
      }
    }
  }
  // Last, so the responses added above get their headers too.
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, Operation>)) {
      // A route without a key (health) says so, rather than inheriting nothing and looking unspecified.
      operation.security ??= [];
      for (const [status, response] of Object.entries(operation.responses as Record<string, Response>)) {
        response.headers = { ...response.headers, 'X-Request-Id': header('X-Request-Id') };
        if (status === '429' || status === '503') response.headers['Retry-After'] = header('Retry-After');
      }
    }
  }
  return document;
}
