import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../src/database/embedded-postgres.js';
import { runMigrationsLocked } from '../src/database/migrate.js';
import { advisorToken, graphql } from './helpers/advisor-graphql.js';
import { advisorBody, studentBody } from './helpers/fixtures.js';
import { createCenter, eventually, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/**
 * Issue 13 item 6: while PostgreSQL is unreachable every API answers 503 with Retry-After (never 500, never
 * 401 because the API-key lookup failed), nothing crashes the process, and it recovers by itself once
 * PostgreSQL is back. The test owns its database server (an embedded PostgreSQL on a port of its own) and
 * stops it; the queue lives in it too (no REDIS_URL), so BullMQ's PostgreSQL backend goes down with it.
 */
describe('PostgreSQL outage: 503 with Retry-After, then recovery on its own', () => {
  const quiet = { info: () => undefined, debug: () => undefined };
  let dataDir: string;
  let port: number;
  let db: EmbeddedPostgresHandle | undefined;
  let t: TestApp;
  let center: TestCenter;
  let jwt: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'cfu-outage-'));
    db = await startEmbeddedPostgres(dataDir, quiet);
    port = Number(new URL(db.url).port);
    const migrator = new DataSource(dataSourceOptions(db.url));
    await migrator.initialize();
    await runMigrationsLocked(migrator);
    await migrator.destroy();
    t = await startTestApp({ databaseUrl: db.url, redisUrl: '' });
    center = await createCenter(t);
    await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/students/stu-1').set(center.auth).send(studentBody()).expect(201);
    jwt = await advisorToken(t, { sub: 'adv-1', center: center.id, role: 'advisor' });
    // Used once while the database is up: the token and its advisor are now cached, so during the outage this
    // request reaches the resolvers before touching the database.
    expect((await graphql(t, jwt, '{ student(externalId: "stu-1") { externalId } }')).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await db?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function expectUnavailable(response: Response): void {
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: '/problems/service-unavailable', status: 503 });
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  }

  it('answers 503 with Retry-After while the database is down, and serves again once it is back', async () => {
    await db!.stop();
    db = undefined;

    // REST: a read and a write (the API-key check itself needs the database), and the admin route.
    expectUnavailable(await t.http.get('/v1/students/stu-1').set(center.auth));
    expectUnavailable(await t.http.put('/v1/advisors/adv-2').set(center.auth).send(advisorBody));
    expectUnavailable(
      await t.http
        .post('/v1/centers')
        .set('Authorization', `Bearer ${t.runtime.secrets.adminApiKey}`)
        .send({ name: 'during the outage', timezone: 'Asia/Tokyo' }),
    );
    // GraphQL: an API key fails while the context is built; a cached advisor token fails in a resolver.
    for (const token of [center.apiKey, jwt]) {
      const response = await graphql(t, token, '{ student(externalId: "stu-1") { externalId } }');
      expect(response.status).toBe(503);
      expect(response.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(response.data).toBeUndefined(); // the same shape whichever step met the outage
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(response.errors)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|terminat/i);
    }
    await t.http.get('/health/ready').expect(503);
    await t.http.get('/health/live').expect(200);

    const restartedAt = Date.now();
    db = await startEmbeddedPostgres(dataDir, quiet, { port });
    await eventually(
      async () =>
        (await t.http.get('/v1/students/stu-1').set(center.auth)).status === 200 ? true : undefined,
      30_000,
      'REST to serve again',
    );
    const recoveredMs = Date.now() - restartedAt;
    await t.http.put('/v1/advisors/adv-2').set(center.auth).send(advisorBody).expect(201);
    for (const token of [center.apiKey, jwt]) {
      const response = await graphql(t, token, '{ student(externalId: "stu-1") { externalId } }');
      expect(response.status).toBe(200);
      expect(response.data).toEqual({ student: { externalId: 'stu-1' } });
    }
    // The queue's own connections (BullMQ's PostgreSQL backend) come back too.
    await eventually(
      async () => ((await t.http.get('/health/ready')).status === 200 ? true : undefined),
      30_000,
      'readiness',
    );
    process.stdout.write(`\nREST served again ${recoveredMs} ms after PostgreSQL restarted\n`);
  });
});
