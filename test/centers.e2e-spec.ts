import { DataSource } from 'typeorm';
import { createCenter, startTestApp, type TestApp } from './helpers/test-app.js';

describe('centers and API keys (REST, real database)', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  beforeAll(async () => {
    t = await startTestApp();
    admin = { Authorization: `Bearer ${t.runtime.secrets.adminApiKey}` };
  });
  afterAll(() => t.close());

  it('creates a center with the admin key and returns its first API key once', async () => {
    const name = 'サンプル大学 キャリアセンター 🎓';
    const response = await t.http
      .post('/v1/centers')
      .set(admin)
      .send({ name, timezone: 'Asia/Tokyo' })
      .expect(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name,
      timezone: 'Asia/Tokyo',
      apiKey: expect.stringMatching(/^cfk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/),
    });
    const keys = await t.http
      .get('/v1/api-keys')
      .set('Authorization', `Bearer ${response.body.apiKey}`)
      .expect(200);
    expect(keys.body.items).toEqual([
      { id: expect.any(String), prefix: expect.any(String), createdAt: expect.any(String) },
    ]);
    expect(JSON.stringify(keys.body)).not.toContain(response.body.apiKey);
  });

  it('refuses any field in the body of a POST that takes none, and changes nothing', async () => {
    const center = await createCenter(t);
    const someId = '00000000-0000-4000-8000-000000000000';
    for (const [path, auth] of [
      ['/v1/api-keys', center.auth],
      [`/v1/webhook-endpoints/${someId}/rotate-secret`, center.auth],
      [`/v1/webhook-endpoints/${someId}/enable`, center.auth],
      [`/v1/webhook-deliveries/${someId}/redeliver`, center.auth],
      [`/v1/centers/${center.id}/recompute`, admin],
    ] as const) {
      const response = await t.http.post(path).set(auth).send({ expiresAt: '2030-01-01' }).expect(400);
      expect(response.body.errors).toEqual([{ path: 'expiresAt', message: 'is not a known field' }]);
    }
    const keys = await t.http.get('/v1/api-keys').set(center.auth).expect(200);
    expect(keys.body.items).toHaveLength(1);
    await t.http.post('/v1/api-keys').set(center.auth).expect(201); // no body at all
    await t.http.post('/v1/api-keys').set(center.auth).send({}).expect(201);
  });

  it('stores only a hash of each key, found by its non-secret prefix', async () => {
    const center = await createCenter(t);
    const rows: { key_hash: Buffer; prefix: string }[] = await t.app
      .get(DataSource)
      .query('SELECT * FROM api_keys WHERE center_id = $1', [center.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].key_hash).toHaveLength(32);
    expect(center.apiKey.startsWith(`cfk_${rows[0].prefix}_`)).toBe(true);
    const secretPart = center.apiKey.split('_').slice(2).join('_');
    expect(JSON.stringify(rows)).not.toContain(secretPart);
  });

  it('rejects center creation without the admin key, with 401 problem+json', async () => {
    const center = await createCenter(t);
    for (const headers of [
      {},
      center.auth,
      { Authorization: 'Bearer nope' },
      { Authorization: t.runtime.secrets.adminApiKey },
    ]) {
      const response = await t.http
        .post('/v1/centers')
        .set(headers)
        .send({ name: 'x', timezone: 'Asia/Tokyo' })
        .expect(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        status: 401,
        title: 'Unauthorized',
        type: '/problems/unauthorized',
      });
    }
  });

  it('answers 401 on every /v1 route without a valid center key', async () => {
    for (const [method, path] of [
      ['get', '/v1/api-keys'],
      ['post', '/v1/api-keys'],
      ['delete', '/v1/api-keys/00000000-0000-0000-0000-000000000000'],
    ] as const) {
      const missing = await t.http[method](path).expect(401);
      expect(missing.body.detail).toMatch(/Missing API key/);
      const wrong = await t.http[method](path)
        .set('Authorization', 'Bearer cfk_000000000000_' + 'A'.repeat(43))
        .expect(401);
      expect(wrong.body.detail).toMatch(/not valid/);
    }
    // the admin key is not a center key
    await t.http.get('/v1/api-keys').set(admin).expect(401);
  });

  it('lists every problem of an invalid body, unknown fields included, and creates nothing', async () => {
    const before = await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM centers');
    const response = await t.http
      .post('/v1/centers')
      .set(admin)
      .send({ name: '', timezone: 'Mars/Olympus', colour: 'blue' })
      .expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: '/problems/validation-error',
      status: 400,
      instance: '/v1/centers',
    });
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'colour', message: 'is not a known field' },
        { path: 'name', message: expect.stringMatching(/longer than or equal to 1/) },
        { path: 'timezone', message: 'must be an IANA time zone such as Asia/Tokyo' },
      ]),
    );
    const after = await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM centers');
    expect(after[0].n).toBe(before[0].n);
  });

  it('answers malformed JSON and non-object bodies with 400 problem+json and a request id', async () => {
    const malformed = await t.http
      .post('/v1/centers')
      .set(admin)
      .set('Content-Type', 'application/json')
      .send('{"name":')
      .expect(400);
    expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(malformed.body).toMatchObject({ status: 400, detail: expect.stringMatching(/JSON/) });
    expect(malformed.body.requestId).toBe(malformed.headers['x-request-id']);
    const array = await t.http.post('/v1/centers').set(admin).send([1, 2]).expect(400);
    expect(array.body.status).toBe(400);
  });

  it('issues extra keys, revokes them at once, and never revokes the last one', async () => {
    const center = await createCenter(t);
    const issued = await t.http.post('/v1/api-keys').set(center.auth).expect(201);
    expect(issued.body).toMatchObject({ id: expect.any(String), apiKey: expect.stringMatching(/^cfk_/) });
    const second = { Authorization: `Bearer ${issued.body.apiKey}` };
    await t.http.get('/v1/api-keys').set(second).expect(200);

    const keys = await t.http.get('/v1/api-keys').set(center.auth).expect(200);
    const first = (keys.body.items as { id: string }[]).find((k) => k.id !== issued.body.id)!;
    await t.http.delete(`/v1/api-keys/${first.id}`).set(second).expect(204);
    await t.http.get('/v1/api-keys').set(center.auth).expect(401);

    const last = await t.http.delete(`/v1/api-keys/${issued.body.id}`).set(second).expect(409);
    expect(last.body).toMatchObject({
      type: '/problems/conflict',
      detail: expect.stringMatching(/last active API key/),
    });
    await t.http.get('/v1/api-keys').set(second).expect(200);
  });

  it("never reaches another center's keys: their ids are simply 404", async () => {
    const a = await createCenter(t);
    const b = await createCenter(t);
    await t.http.post('/v1/api-keys').set(b.auth).expect(201);
    const bKeys = await t.http.get('/v1/api-keys').set(b.auth).expect(200);
    for (const key of bKeys.body.items) {
      await t.http.delete(`/v1/api-keys/${key.id}`).set(a.auth).expect(404);
    }
    await t.http.delete('/v1/api-keys/not-a-uuid').set(a.auth).expect(404);
    const still = await t.http.get('/v1/api-keys').set(b.auth).expect(200);
    expect(still.body.items).toHaveLength(2);
  });
});
