import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { RATE_LIMIT_HEADERS } from '../common/rate-limit/rest-rate-limit.interceptor.js';
import { INTERACTION_KINDS } from '../follow-ups/domain/vocabulary.js';
import { PROBLEM_EXAMPLES, PROBLEM_SCHEMA, RESPONSE_HEADERS } from './openapi-examples.js';
import { applyValidationLimits, type Schema } from './openapi-limits.js';
import { WEBHOOK_SCHEMAS, webhookCallbacks } from './openapi-webhooks.js';
import { OPERATION_DESCRIPTIONS, TAG_DESCRIPTIONS } from './operation-docs.js';
import { operationIdFor } from './operation-ids.js';

type Response = {
  description?: string;
  content?: Record<string, unknown>;
  headers?: Record<string, unknown>;
};
type Parameter = { name: string; in: string; required?: boolean; schema?: Schema; description?: string };
type Operation = {
  operationId?: string;
  description?: string;
  tags?: string[];
  responses: Record<string, Response>;
  parameters?: Parameter[];
  security?: Record<string, unknown>[];
  callbacks?: Record<string, unknown>;
};

const PROBLEM = { $ref: '#/components/schemas/Problem' };
const header = (name: string) => ({ $ref: `#/components/headers/${name}` });

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
    // Relative: the document is served by the service it describes, at whatever address that has. Internal:
    // its clients are the center's own portal and services, not the public.
    .addServer(
      '/',
      'This service, in whichever environment (local, staging, production) serves this document',
      {},
      {
        'x-internal': true,
      },
    )
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

/** Why a reminder goes out when it does (follow-ups/domain/schedule.ts ReminderWhy), as stored with it. */
const REMINDER_WHY: Schema = {
  type: 'object',
  description: 'Rule, anchor, time zone, quiet-hours shift and spacing decision',
  required: ['timezone', 'items', 'quietHours', 'spacing'],
  properties: {
    timezone: { type: 'string' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['gapId', 'nudge', 'rule', 'anchor', 'dueAt'],
        properties: {
          gapId: { type: 'string', format: 'uuid' },
          nudge: { type: 'integer', format: 'int32', minimum: 1, maximum: 2 },
          rule: { type: 'string' },
          anchor: { type: 'string' },
          dueAt: { type: 'string' },
          caughtUp: { type: 'string' },
        },
      },
    },
    quietHours: {
      type: 'object',
      nullable: true,
      required: ['from', 'to', 'reason'],
      properties: {
        from: { type: 'string' },
        to: { type: 'string' },
        reason: { type: 'string', enum: ['next-morning', 'pulled-before-deadline'] },
      },
    },
    spacing: {
      type: 'object',
      required: ['decision', 'detail'],
      properties: {
        decision: { type: 'string', enum: ['none', 'coalesced', 'delayed'] },
        detail: { type: 'string' },
      },
    },
    suppressed: { type: 'string' },
  },
};

/** OpenAPI 3.0's `nullable` does not reach into an allOf: `null` must be a branch of its own. */
const NULL_ONLY: Schema = { type: 'object', nullable: true, enum: [null], description: 'null' };

function nullableRefs(schemas: Record<string, Schema>): void {
  for (const schema of Object.values(schemas))
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (!property.nullable || property.allOf?.length !== 1) continue;
      const { description } = property;
      schema.properties![name] = {
        ...(description ? { description } : {}),
        oneOf: [property.allOf[0], NULL_ONLY],
      };
    }
}

/** Path parameters a controller's pipe reads but Nest did not document (an enum pipe on `kind`). */
const PATH_PARAMETERS: Readonly<Record<string, Schema>> = {
  kind: { type: 'string', enum: [...INTERACTION_KINDS] },
};

function documentPathParameters(path: string, operation: Operation): void {
  for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
    if (operation.parameters?.some((p) => p.in === 'path' && p.name === name)) continue;
    operation.parameters = [
      ...(operation.parameters ?? []),
      { name, in: 'path', required: true, schema: { ...(PATH_PARAMETERS[name] ?? { type: 'string' }) } },
    ];
  }
}

/** Statuses answered after the rate limiter counted the request, so they carry its headers. */
const COUNTED = /^(2..|400|404|409|410|422|429)$/;

/**
 * Adds what every operation shares, once, instead of on each route: descriptions, the problem+json error
 * responses, the Idempotency-Key header of POSTs, response headers, the validation limits and the webhooks.
 */
function withConventions(document: OpenAPIObject): OpenAPIObject {
  document.components = document.components ?? {};
  const schemas = (document.components.schemas ?? {}) as Record<string, Schema>;
  Object.assign(schemas, { Problem: PROBLEM_SCHEMA, ReminderWhy: REMINDER_WHY }, WEBHOOK_SCHEMAS);
  schemas.BulkItemResult.properties!.error = {
    description: 'For items that failed: the problem, as the whole request would have had it',
    allOf: [PROBLEM],
  };
  schemas.ReminderResource.properties!.why = { $ref: '#/components/schemas/ReminderWhy' };
  nullableRefs(schemas);
  document.components.schemas = schemas;
  document.components.headers = { ...document.components.headers, ...RESPONSE_HEADERS };
  const paths = document.paths as unknown as Record<string, Record<string, Operation>>;
  for (const [path, item] of Object.entries(paths))
    for (const operation of Object.values(item)) documentPathParameters(path, operation);
  applyValidationLimits(schemas, paths);
  const tags = new Set<string>();
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      operation.description ??= OPERATION_DESCRIPTIONS[operation.operationId ?? ''];
      if (!operation.description)
        throw new Error(`No description for ${operation.operationId}: add one in operation-docs.ts.`);
      operation.tags?.forEach((tag) => tags.add(tag));
      const responses = operation.responses;
      responses['500'] ??= problemResponse(
        '500',
        'An unexpected error; quote the requestId when reporting it',
      );
      if (path.startsWith('/v1/')) addErrorResponses(path, method, operation);
      // Error responses a controller declared (410, a route's own 409) get the problem body and example too.
      for (const [status, response] of Object.entries(responses))
        if (PROBLEM_EXAMPLES[status] && !response.content) response.content = problemContent(status);
      if (operation.operationId === 'createWebhookEndpoint') operation.callbacks = webhookCallbacks();
    }
  }
  document.info.license = { name: 'Proprietary' };
  document.tags = [...tags].sort().map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? name }));
  // Last, so the responses added above get their headers too.
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item)) {
      // A route without a key (health) says so, rather than inheriting nothing and looking unspecified.
      operation.security ??= [];
      const counted = operation.security.some((requirement) => 'apiKey' in requirement);
      for (const [status, response] of Object.entries(operation.responses)) {
        response.headers = { ...response.headers, 'X-Request-Id': header('X-Request-Id') };
        if (status === '429' || status === '503') response.headers['Retry-After'] = header('Retry-After');
        if (counted && COUNTED.test(status))
          for (const name of RATE_LIMIT_HEADERS) response.headers[name] = header(name);
      }
    }
  }
  return document;
}

function addErrorResponses(path: string, method: string, operation: Operation): void {
  const responses = operation.responses;
  const hasBody = method === 'put' || method === 'post';
  responses['400'] ??= problemResponse('400', 'Invalid input: errors[] lists each problem');
  responses['401'] ??= problemResponse('401', 'Missing, wrong or revoked key');
  if (path.includes('{')) responses['404'] ??= problemResponse('404', "Not found in the caller's center");
  if (method === 'post')
    responses['409'] ??= problemResponse('409', 'A request with this Idempotency-Key is still in progress');
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
  if (method === 'post') {
    for (const [status, response] of Object.entries(responses))
      if (status.startsWith('2'))
        response.headers = { ...response.headers, 'Idempotent-Replayed': header('Idempotent-Replayed') };
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
