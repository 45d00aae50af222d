import { DataSource } from 'typeorm';
import { createCenter, startTestApp, walkPages, type TestApp, type TestCenter } from './helpers/test-app.js';

describe('webhook endpoints (REST, real database)', () => {
  let t: TestApp;
  let center: TestCenter;
  beforeAll(async () => {
    t = await startTestApp(); // WEBHOOK_ALLOW_PRIVATE_NETWORKS is off, as in production
  });
  beforeEach(async () => {
    center = await createCenter(t);
  });
  afterAll(() => t.close());

  const create = (body: object) => t.http.post('/v1/webhook-endpoints').set(center.auth).send(body);

  it('creates an endpoint with a whsec_ secret shown once and stored encrypted', async () => {
    const created = await create({
      url: 'http://93.184.216.34/hooks',
      eventTypes: ['followup.reminder'],
    }).expect(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      url: 'http://93.184.216.34/hooks',
      eventTypes: ['followup.reminder'],
      disabled: false,
    });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.body.secret.slice(6), 'base64')).toHaveLength(32);
    const fetched = await t.http.get(`/v1/webhook-endpoints/${created.body.id}`).set(center.auth).expect(200);
    expect(fetched.body).not.toHaveProperty('secret');
    const listed = await t.http.get('/v1/webhook-endpoints').set(center.auth).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    const [row] = await t.app
      .get(DataSource)
      .query(`SELECT secret FROM webhook_endpoints WHERE id = $1`, [created.body.id]);
    expect(row.secret.toString('latin1')).not.toContain(created.body.secret.slice(6, 20));
    expect(JSON.stringify(t.logs)).not.toContain(created.body.secret);
  });

  it('rotates the secret: a new one shown once, the previous one valid for 24 hours', async () => {
    const created = await create({
      url: 'http://93.184.216.34/hooks',
      eventTypes: ['followup.reminder'],
    }).expect(201);
    const rotated = await t.http
      .post(`/v1/webhook-endpoints/${created.body.id}/rotate-secret`)
      .set(center.auth)
      .expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    const hours = (Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
  });

  it.each([
    ['loopback', 'http://127.0.0.1:8080/x'],
    ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/x'],
    ['IPv6 loopback', 'http://[::1]/x'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data'],
    ['10/8', 'http://10.1.2.3/x'],
    ['172.16/12', 'http://172.20.0.1/x'],
    ['192.168/16', 'http://192.168.1.1/x'],
    ['unique-local IPv6', 'http://[fc00::1]/x'],
    ['a name resolving to loopback', 'http://localhost:9/x'],
  ])('refuses a %s URL at registration (422 naming url)', async (_what, url) => {
    const response = await create({ url, eventTypes: ['followup.reminder'] }).expect(422);
    expect(response.body.errors).toEqual([{ path: 'url', message: 'must resolve to a public address' }]);
  });

  it.each(['http://2130706433/x', 'http://0177.0.0.1/x', 'http://0x7f.0.0.1/x'])(
    'refuses loopback spelled %s (not accepted as a URL host at all)',
    async (url) => {
      const response = await create({ url, eventTypes: ['followup.reminder'] }).expect(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ path: 'url' })]);
    },
  );

  it.each([
    [{ url: 'ftp://93.184.216.34/x', eventTypes: ['followup.reminder'] }, 'url'],
    [{ url: 'not a url', eventTypes: ['followup.reminder'] }, 'url'],
    [{ url: 'http://93.184.216.34/x', eventTypes: [] }, 'eventTypes'],
    [{ url: 'http://93.184.216.34/x', eventTypes: ['followup.unknown'] }, 'eventTypes'],
    [{ url: 'http://93.184.216.34/x', eventTypes: ['followup.reminder'], secret: 'mine' }, 'secret'],
  ])('rejects %j with 400 naming %s', async (body, path) => {
    const response = await create(body).expect(400);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it('lists endpoints and API keys as keyset pages, { items, nextCursor }, like every collection', async () => {
    const endpoints = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const body = { url: `http://93.184.216.34/hooks/${n}`, eventTypes: ['followup.reminder'] };
        return (await create(body).expect(201)).body.id as string;
      }),
    );
    for (let n = 0; n < 2; n++) await t.http.post('/v1/api-keys').set(center.auth).expect(201);
    const walk = async (path: string) => {
      const { ids, pages } = await walkPages(t, center, path, 2);
      expect(pages).toBe(2);
      return ids;
    };
    const listed = await walk('/v1/webhook-endpoints');
    expect(listed).toHaveLength(3);
    expect(new Set(listed)).toEqual(new Set(endpoints));
    expect(new Set(await walk('/v1/api-keys')).size).toBe(3); // the center's first key and the two new ones
    await t.http.get('/v1/webhook-endpoints').query({ cursor: 'nope' }).set(center.auth).expect(400);
    await t.http.get('/v1/api-keys').query({ limit: 0 }).set(center.auth).expect(400);
  });

  it('enabling an endpoint that is not disabled changes nothing, its failure record included', async () => {
    const created = await create({
      url: 'http://93.184.216.34/hooks',
      eventTypes: ['followup.reminder'],
    }).expect(201);
    const db = t.app.get(DataSource);
    await db.query(`UPDATE webhook_endpoints SET failing_since = now() - interval '2 days' WHERE id = $1`, [
      created.body.id,
    ]);
    const enabled = await t.http
      .post(`/v1/webhook-endpoints/${created.body.id}/enable`)
      .set(center.auth)
      .expect(200);
    expect(enabled.body).toMatchObject({ disabled: false, disabledReason: null });
    const [row] = await db.query(`SELECT failing_since FROM webhook_endpoints WHERE id = $1`, [
      created.body.id,
    ]);
    expect(row.failing_since).not.toBeNull(); // the 5-day rule keeps counting
  });

  it("deletes endpoints, and never reaches another center's", async () => {
    const created = await create({
      url: 'http://93.184.216.34/hooks',
      eventTypes: ['followup.reminder'],
    }).expect(201);
    const other = await createCenter(t);
    await t.http.get(`/v1/webhook-endpoints/${created.body.id}`).set(other.auth).expect(404);
    await t.http.post(`/v1/webhook-endpoints/${created.body.id}/rotate-secret`).set(other.auth).expect(404);
    await t.http.delete(`/v1/webhook-endpoints/${created.body.id}`).set(other.auth).expect(404);
    expect((await t.http.get('/v1/webhook-endpoints').set(other.auth).expect(200)).body.items).toEqual([]);
    await t.http.delete(`/v1/webhook-endpoints/${created.body.id}`).set(center.auth).expect(204);
    await t.http.get(`/v1/webhook-endpoints/${created.body.id}`).set(center.auth).expect(404);
    await t.http.get('/v1/webhook-endpoints/not-a-uuid').set(center.auth).expect(404);
  });
});
