import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  isInputObjectType,
  isNonNullType,
  isObjectType,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';
import { readFileSync } from 'node:fs';
import { buildSchemaSdl } from '../src/advisors-api/schema-sdl.js';
import { createCenter, startTestApp, type TestApp } from './helpers/test-app.js';

describe('cross-cutting HTTP behaviour', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('puts a request id on every response, keeping a well-formed one the caller sent', async () => {
    const generated = await t.http.get('/health/live').expect(200);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await t.http.get('/health/live').set('X-Request-Id', 'portal-sync:42').expect(200);
    expect(kept.headers['x-request-id']).toBe('portal-sync:42');
    const replaced = await t.http.get('/health/live').set('X-Request-Id', 'bad id with spaces').expect(200);
    expect(replaced.headers['x-request-id']).not.toBe('bad id with spaces');
    const problem = await t.http.get('/v1/api-keys').set('X-Request-Id', 'trace-1').expect(401);
    expect(problem.body.requestId).toBe('trace-1');
  });

  it('answers liveness and readiness (database and queue) without auth', async () => {
    await t.http.get('/health/live').expect(200, { status: 'ok' });
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, queue: { status: 'up' } },
    });
  });

  it('serves Prometheus metrics with process metrics and request durations by route pattern', async () => {
    const center = await createCenter(t);
    await t.http.delete('/v1/api-keys/00000000-0000-0000-0000-000000000000').set(center.auth).expect(404);
    const metrics = await t.http.get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.text).toContain('process_cpu_user_seconds_total');
    expect(metrics.text).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/v1\/centers",status_code="201"\} \d+/,
    );
    expect(metrics.text).toMatch(
      /http_request_duration_seconds_count\{method="DELETE",route="\/v1\/api-keys\/:id",status_code="404"\}/,
    );
    expect(metrics.text).not.toContain('00000000-0000-0000-0000-000000000000');
  });

  it('publishes OpenAPI at /openapi.json and a browsable page at /docs', async () => {
    const spec = await t.http.get('/openapi.json').expect(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/centers',
        '/v1/api-keys',
        '/v1/api-keys/{id}',
        '/health/live',
        '/health/ready',
      ]),
    );
    expect(spec.body.components.securitySchemes).toHaveProperty('apiKey');
    // Every /v1 operation documents its problem+json errors; every POST its Idempotency-Key.
    for (const [path, operations] of Object.entries<
      Record<string, { responses: object; parameters?: { name: string }[] }>
    >(spec.body.paths)) {
      if (!path.startsWith('/v1/')) continue;
      for (const [method, operation] of Object.entries(operations)) {
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '401']));
        if (method === 'post') expect(operation.parameters?.map((p) => p.name)).toContain('Idempotency-Key');
      }
    }
    const page = await t.http.get('/docs').expect(200);
    expect(page.text).toContain('swagger-ui');
  });

  it('names every operation for what it does (upsertStudent), once, as generated clients call their methods', async () => {
    const spec = (await t.http.get('/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const ids = Object.values(spec.paths).flatMap((operations) =>
      Object.values(operations).map((operation) => operation.operationId ?? ''),
    );
    expect(ids.filter((id) => !/^[a-z]+(?:[A-Z][a-z]+)+$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(spec.paths['/v1/students/{externalId}'].put.operationId).toBe('upsertStudent');
    expect(spec.paths['/v1/interactions/bulk'].post.operationId).toBe('bulkUpsertInteractions');
    expect(spec.paths['/v1/follow-ups'].get.operationId).toBe('listFollowUps');
    expect(spec.paths['/v1/students/{externalId}/gaps'].get.operationId).toBe('listStudentGaps');
  });

  it('documents the response headers the service sends, and marks routes without a key as such', async () => {
    type Response = { headers?: Record<string, { $ref?: string }> };
    const spec = (await t.http.get('/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, Response> }>>;
      components: { headers: Record<string, unknown> };
    };
    const ref = (name: string) => ({ $ref: `#/components/headers/${name}` });
    expect(Object.keys(spec.components.headers).sort()).toEqual([
      'Idempotent-Replayed',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Retry-After',
      'X-Request-Id',
    ]);
    expect(spec.paths['/health/live'].get.security).toEqual([]);
    expect(spec.paths['/v1/students'].get.security).toEqual([{ apiKey: [] }]);
    for (const operations of Object.values(spec.paths)) {
      for (const operation of Object.values(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          expect(response.headers?.['X-Request-Id']).toEqual(ref('X-Request-Id'));
          if (status === '429' || status === '503')
            expect(response.headers?.['Retry-After']).toEqual(ref('Retry-After'));
        }
      }
    }
    expect(spec.paths['/v1/students/bulk'].post.responses['200'].headers?.['Idempotent-Replayed']).toEqual(
      ref('Idempotent-Replayed'),
    );
    // What the document says is what the service sends.
    const answered = await t.http.get('/health/live').expect(200);
    expect(answered.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('gives every operation a summary, each error its own example, and calls API keys what they are', async () => {
    type Response = { content?: Record<string, { example?: { status?: number; type?: string } }> };
    type Operation = { summary?: string; description?: string; responses: Record<string, Response> };
    const spec = (await t.http.get('/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, { bearerFormat?: string }> };
    };
    const unsummarised: string[] = [];
    const mismatched: string[] = [];
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!operation.summary?.trim() || operation.summary.includes('\n'))
          unsummarised.push(`${method} ${path}`);
        if (!operation.description?.trim()) unsummarised.push(`${method} ${path} (description)`);
        if (!path.startsWith('/v1/')) continue;
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          const example = response.content?.['application/problem+json']?.example;
          if (example?.status !== Number(status) || !example.type)
            mismatched.push(`${method} ${path} ${status}: ${JSON.stringify(example)}`);
        }
        const statuses = Object.keys(operation.responses);
        if (method === 'post') expect(statuses).toContain('409'); // Idempotency-Key still in progress
        if (method === 'post' || method === 'put')
          expect(statuses).toEqual(expect.arrayContaining(['413', '415']));
      }
    }
    expect(unsummarised).toEqual([]);
    expect(mismatched).toEqual([]);
    expect(spec.paths['/v1/api-keys/{id}'].delete.responses).toHaveProperty('409'); // the center's last key
    const notFound = spec.paths['/v1/students/{externalId}'].get.responses['404'];
    expect(notFound.content!['application/problem+json'].example!.type).toBe('/problems/not-found');
    // Center and admin keys are opaque (cfk_…, adm_…), not JWTs.
    for (const name of ['apiKey', 'adminKey']) {
      expect(spec.components.securitySchemes[name].bearerFormat ?? '').not.toMatch(/jwt/i);
    }
  });

  it('mounts GraphQL at /graphql with the committed schema', async () => {
    const center = await createCenter(t);
    const response = await t.http
      .post('/graphql')
      .set(center.auth)
      .send({ query: '{ apiVersion }' })
      .expect(200);
    expect(response.body).toEqual({ data: { apiVersion: '1' } });
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(await buildSchemaSdl()).toBe(committed);
    const served = t.app.get(GraphQLSchemaHost).schema;
    expect(`${printSchema(lexicographicSortSchema(served))}\n`).toBe(committed);
  });

  it('has no non-null argument or input field with a default value', () => {
    // GraphQL lets a nullable variable into such a position (the default covers its absence), so an explicit
    // null passes validation and fails only while executing: an INTERNAL_SERVER_ERROR instead of a 400.
    const defaultedNonNull: string[] = [];
    for (const type of Object.values(t.app.get(GraphQLSchemaHost).schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isInputObjectType(type))
        for (const field of Object.values(type.getFields()))
          if (isNonNullType(field.type) && field.defaultValue !== undefined)
            defaultedNonNull.push(`${type.name}.${field.name}`);
      if (isObjectType(type))
        for (const field of Object.values(type.getFields()))
          for (const arg of field.args)
            if (isNonNullType(arg.type) && arg.defaultValue !== undefined)
              defaultedNonNull.push(`${type.name}.${field.name}(${arg.name})`);
    }
    expect(defaultedNonNull).toEqual([]);
  });

  it('never writes keys, secrets or e-mail addresses to the logs', async () => {
    const center = await createCenter(t);
    await t.http.get('/v1/api-keys').set(center.auth).expect(200);
    await t.http.get('/v1/api-keys').set('Authorization', `Bearer ${center.apiKey}x`).expect(401);
    await t.http
      .post('/v1/centers')
      .set('Authorization', `Bearer ${t.runtime.secrets.adminApiKey}`)
      .send({ name: 'x', timezone: 'Asia/Tokyo', email: 'taro.yamada@example.ac.jp' })
      .expect(400);
    const logs = t.logs.join('\n');
    expect(logs).toContain('request completed'); // the requests were logged...
    expect(logs).not.toContain(center.apiKey.slice(20)); // ...without their secrets
    expect(logs).not.toContain(t.runtime.secrets.adminApiKey);
    expect(logs).not.toContain('taro.yamada@example.ac.jp');
    expect(logs).not.toMatch(/authorization/i);
    for (const line of t.logs.filter((l) => l.includes('request completed'))) {
      expect(JSON.parse(line)).toHaveProperty('reqId');
    }
  });
});

describe('readiness when the queue does not answer', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Nothing listens on port 1: the queue backend cannot be reached.
    t = await startTestApp({ role: 'api', redisUrl: 'redis://127.0.0.1:1' });
  });
  afterAll(() => t.close());

  it('answers /health/ready with 503 problem+json naming the queue, while /health/live stays 200', async () => {
    await t.http.get('/health/live').expect(200);
    const ready = await t.http.get('/health/ready').expect(503);
    expect(ready.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(ready.body).toMatchObject({
      status: 503,
      type: '/problems/not-ready',
      detail: expect.stringMatching(/down: queue/),
    });
    expect(ready.body.detail).not.toMatch(/database/);
  });
});
