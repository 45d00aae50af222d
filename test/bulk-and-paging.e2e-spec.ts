import { DataSource } from 'typeorm';
import { advisorBody, seedDirectory, studentBody } from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

describe('bulk upserts, keyset pages, idempotency and concurrency (real database)', () => {
  let t: TestApp;
  let center: TestCenter;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    center = await createCenter(t);
  });
  afterAll(() => t.close());

  const bulk = (collection: string, items: unknown[]) =>
    t.http.post(`/v1/${collection}/bulk`).set(center.auth).send({ items });
  const count = async (table: string): Promise<number> =>
    (
      await t.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM ${table} WHERE center_id = $1`, [center.id])
    )[0].n;

  it('stores the valid items of a mixed batch and reports every item in input order', async () => {
    await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
    const response = await bulk('students', [
      { externalId: 's-b', ...studentBody() },
      { externalId: 's-a', ...studentBody(), email: 'broken' },
      'not an object',
      { externalId: 's-c', ...studentBody('adv-404') },
      { externalId: 'bad id', ...studentBody() },
      { externalId: 's-a', ...studentBody() },
    ]).expect(200);
    expect(response.body.results).toEqual([
      { externalId: 's-b', status: 'created' },
      {
        externalId: 's-a',
        status: 'error',
        error: expect.objectContaining({
          status: 400,
          errors: [{ path: 'email', message: 'must be an e-mail address' }],
        }),
      },
      { externalId: null, status: 'error', error: expect.objectContaining({ status: 400 }) },
      {
        externalId: 's-c',
        status: 'error',
        error: expect.objectContaining({
          status: 422,
          errors: [expect.objectContaining({ path: 'advisorExternalId' })],
        }),
      },
      {
        externalId: 'bad id',
        status: 'error',
        error: expect.objectContaining({
          status: 400,
          errors: [expect.objectContaining({ path: 'externalId' })],
        }),
      },
      { externalId: 's-a', status: 'created' },
    ]);
    expect(await count('students')).toBe(2);
  });

  it('reports unchanged and updated items on a re-send, and rewrites nothing unchanged', async () => {
    const items = Array.from({ length: 20 }, (_, i) => ({
      externalId: `c-${i}`,
      name: `株式会社テスト${i}`,
    }));
    expect(
      (await bulk('companies', items).expect(200)).body.results.every(
        (r: { status: string }) => r.status === 'created',
      ),
    ).toBe(true);
    const db = t.app.get(DataSource);
    const before = await db.query(
      `SELECT external_id, xmin::text FROM companies WHERE center_id = $1 ORDER BY 1`,
      [center.id],
    );
    const again = await bulk(
      'companies',
      items.map((item, i) => (i === 3 ? { ...item, industry: 'IT' } : item)),
    ).expect(200);
    expect(again.body.results.map((r: { status: string }) => r.status)).toEqual(
      items.map((_, i) => (i === 3 ? 'updated' : 'unchanged')),
    );
    const after = await db.query(
      `SELECT external_id, xmin::text FROM companies WHERE center_id = $1 ORDER BY 1`,
      [center.id],
    );
    const rewritten = after.filter((row: { xmin: string }, i: number) => row.xmin !== before[i].xmin);
    expect(rewritten.map((r: { external_id: string }) => r.external_id)).toEqual(['c-3']);
  });

  it('stores a repeated externalId once, from its last occurrence', async () => {
    const response = await bulk('companies', [
      { externalId: 'c-1', name: '最初' },
      { externalId: 'c-1', name: '最後' },
    ]).expect(200);
    expect(response.body.results).toEqual([
      {
        externalId: 'c-1',
        status: 'error',
        error: expect.objectContaining({ status: 422, detail: expect.stringMatching(/appears again later/) }),
      },
      { externalId: 'c-1', status: 'created' },
    ]);
    expect((await t.http.get('/v1/companies/c-1').set(center.auth)).body.name).toBe('最後');
  });

  it('accepts up to 1000 items and rejects a bigger or malformed batch as a whole', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({
      externalId: `c-${String(i).padStart(4, '0')}`,
      name: `会社${i}`,
    }));
    const ok = await bulk('companies', items).expect(200);
    expect(ok.body.results).toHaveLength(1000);
    await bulk('companies', [...items, { externalId: 'c-x', name: 'x' }]).expect(400);
    await bulk('companies', []).expect(400);
    await t.http.post('/v1/companies/bulk').set(center.auth).send({ items: 'nope' }).expect(400);
    await t.http.post('/v1/companies/bulk').set(center.auth).send({ items: [], extra: 1 }).expect(400);
    expect(await count('companies')).toBe(1000);
  });

  it('walks a list with limit and cursor, never skipping or repeating while rows are inserted', async () => {
    await bulk(
      'companies',
      Array.from({ length: 25 }, (_, i) => ({
        externalId: `c-${String(i * 2).padStart(3, '0')}`,
        name: `会社${i}`,
      })),
    ).expect(200);
    const seen: string[] = [];
    let cursor: string | null = null;
    let inserted = 0;
    do {
      const query: Record<string, string | number> = cursor ? { limit: 4, cursor } : { limit: 4 };
      const page = await t.http.get('/v1/companies').query(query).set(center.auth).expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.body.items.map((c: { externalId: string }) => c.externalId));
      cursor = page.body.nextCursor;
      // Insert rows before and after the cursor between pages.
      await bulk('companies', [
        { externalId: `c-${String(inserted * 2 + 1).padStart(3, '0')}`, name: '途中' },
        { externalId: `z-${inserted}`, name: '後ろ' },
      ]).expect(200);
      inserted++;
    } while (cursor);
    const originals = Array.from({ length: 25 }, (_, i) => `c-${String(i * 2).padStart(3, '0')}`);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of originals) expect(seen).toContain(id);
    expect(seen).toEqual([...seen].sort());
  });

  it('uses a default page of 50, and rejects bad limits and cursors with 400', async () => {
    await bulk(
      'companies',
      Array.from({ length: 60 }, (_, i) => ({
        externalId: `c-${String(i).padStart(2, '0')}`,
        name: `会社${i}`,
      })),
    ).expect(200);
    const first = await t.http.get('/v1/companies').set(center.auth).expect(200);
    expect(first.body.items).toHaveLength(50);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    for (const query of [
      { limit: 0 },
      { limit: 501 },
      { limit: 'ten' },
      { cursor: 'garbage' },
      { cursor: Buffer.from('{"x":1}').toString('base64url') },
    ]) {
      const response = await t.http.get('/v1/companies').query(query).set(center.auth).expect(400);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
    }
    const max = await t.http.get('/v1/companies').query({ limit: 500 }).set(center.auth).expect(200);
    expect(max.body).toMatchObject({ nextCursor: null });
    expect(max.body.items).toHaveLength(60);
  });

  describe('Idempotency-Key', () => {
    it('replays the first response for the same key and body, and 422s another body', async () => {
      const items = [{ externalId: 'c-1', name: '株式会社サンプル商事' }];
      const first = await t.http
        .post('/v1/companies/bulk')
        .set(center.auth)
        .set('Idempotency-Key', 'sync-1')
        .send({ items })
        .expect(200);
      expect(first.body.results[0].status).toBe('created');
      const replay = await t.http
        .post('/v1/companies/bulk')
        .set(center.auth)
        .set('Idempotency-Key', 'sync-1')
        .send({ items })
        .expect(200);
      expect(replay.body).toEqual(first.body); // "created" again, not "unchanged": it is the first response
      expect(replay.headers['idempotent-replayed']).toBe('true');
      const conflict = await t.http
        .post('/v1/companies/bulk')
        .set(center.auth)
        .set('Idempotency-Key', 'sync-1')
        .send({ items: [{ externalId: 'c-2', name: '別' }] })
        .expect(422);
      expect(conflict.body.detail).toMatch(/different request/);
      await t.http.get('/v1/companies/c-2').set(center.auth).expect(404);
    });

    it('keeps keys per center, forgets failed requests, and rejects malformed keys', async () => {
      const other = await createCenter(t);
      const body = { items: [{ externalId: 'c-1', name: '会社' }] };
      await t.http
        .post('/v1/companies/bulk')
        .set(center.auth)
        .set('Idempotency-Key', 'k')
        .send(body)
        .expect(200);
      const elsewhere = await t.http
        .post('/v1/companies/bulk')
        .set(other.auth)
        .set('Idempotency-Key', 'k')
        .send(body)
        .expect(200);
      expect(elsewhere.headers['idempotent-replayed']).toBeUndefined();
      await t.http
        .post('/v1/companies/bulk')
        .set(center.auth)
        .set('Idempotency-Key', 'bad')
        .send({ items: 'x' })
        .expect(400);
      await t.http
        .post('/v1/companies/bulk')
        .set(center.auth)
        .set('Idempotency-Key', 'bad')
        .send(body)
        .expect(200);
      await t.http
        .post('/v1/companies/bulk')
        .set(center.auth)
        .set('Idempotency-Key', 'ä'.repeat(3))
        .send(body)
        .expect(400);
      await t.http
        .post('/v1/companies/bulk')
        .set(center.auth)
        .set('Idempotency-Key', 'x'.repeat(256))
        .send(body)
        .expect(400);
    });

    it('lets concurrent duplicates create nothing twice, and stores the response encrypted', async () => {
      const responses = await Promise.all(
        Array.from({ length: 6 }, () =>
          t.http.post('/v1/api-keys').set(center.auth).set('Idempotency-Key', 'new-key-1'),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(6).fill(201));
      expect(new Set(responses.map((r) => r.body.apiKey)).size).toBe(1);
      const keys = await t.http.get('/v1/api-keys').set(center.auth).expect(200);
      expect(keys.body.items).toHaveLength(2); // the first key and exactly one new one
      const stored = await t.app
        .get(DataSource)
        .query(`SELECT response FROM idempotency_keys WHERE scope = $1`, [center.id]);
      expect(stored[0].response.toString('latin1')).not.toContain(responses[0].body.apiKey);
    });

    it('works for the admin key too', async () => {
      const admin = { Authorization: `Bearer ${t.runtime.secrets.adminApiKey}` };
      const body = { name: '冪等大学', timezone: 'Asia/Tokyo' };
      const key = `center-${center.id}`;
      const first = await t.http
        .post('/v1/centers')
        .set(admin)
        .set('Idempotency-Key', key)
        .send(body)
        .expect(201);
      const again = await t.http
        .post('/v1/centers')
        .set(admin)
        .set('Idempotency-Key', key)
        .send(body)
        .expect(201);
      expect(again.body.id).toBe(first.body.id);
    });
  });

  describe('concurrency', () => {
    it('leaves exactly one row when the same externalId is PUT concurrently', async () => {
      await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          t.http
            .put('/v1/students/stu-1')
            .set(center.auth)
            .send({ ...studentBody(), name: `学生${i}` }),
        ),
      );
      expect(responses.every((r) => r.status === 200 || r.status === 201)).toBe(true);
      expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
      expect(await count('students')).toBe(1);
    });

    it('runs overlapping bulk and single writes in any order without deadlock', async () => {
      await seedDirectory(t, center);
      const ids = Array.from({ length: 40 }, (_, i) => `i-${String(i).padStart(2, '0')}`);
      const item = (id: string, n: number) => ({
        externalId: id,
        studentExternalId: 'stu-1',
        companyExternalId: 'cmp-1',
        kind: 'INFO_SESSION',
        occurredAt: `2026-11-2${n % 9}T10:00:00+09:00`,
      });
      const writes = [
        ...[0, 1, 2, 3].map((n) =>
          bulk(
            'interactions',
            (n % 2 ? [...ids].reverse() : ids).map((id) => item(id, n)),
          ),
        ),
        ...ids.slice(0, 10).map((id) => {
          const { externalId, ...body } = item(id, 7);
          return t.http.put(`/v1/interactions/${externalId}`).set(center.auth).send(body);
        }),
      ];
      const responses = await Promise.all(writes);
      for (const response of responses) expect(response.status).toBeLessThan(300);
      expect(await count('interactions')).toBe(41);
    });
  });
});
