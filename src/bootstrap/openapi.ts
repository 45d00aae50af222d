import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

type Operation = { responses: Record<string, unknown>; parameters?: unknown[] };

const PROBLEM = { $ref: '#/components/schemas/Problem' };
const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: PROBLEM } },
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
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A center API key (cfk_…)' }, 'apiKey')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The ADMIN_API_KEY' }, 'adminKey')
    .build();
  const document = withConventions(SwaggerModule.createDocument(app, config));
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
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const [method, operation] of Object.entries(item as Record<string, Operation>)) {
      const responses = operation.responses;
      responses['400'] ??= problemResponse('Invalid input: errors[] lists each problem');
      responses['401'] ??= problemResponse('Missing, wrong or revoked key');
      if (path.includes('{')) responses['404'] ??= problemResponse("Not found in the caller's center");
      if (method === 'put' || method === 'post') {
        responses['415'] ??= problemResponse('A body that is not application/json');
        responses['422'] ??= problemResponse(
          'A referenced record does not exist, or an Idempotency-Key was reused',
        );
      }
      responses['429'] ??= problemResponse("Over the center's requests per minute; see Retry-After");
      responses['503'] ??= problemResponse('The database is unreachable; retry after Retry-After');
      if (method === 'post') {
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
  return document;
}
