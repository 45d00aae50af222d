import { DataSource } from 'typeorm';
import {
  advisorBody,
  companyBody,
  contactBody,
  interactionBody,
  seedDirectory,
  studentBody,
} from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

describe('portal directory and interactions over REST (real database)', () => {
  let t: TestApp;
  let center: TestCenter;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    center = await createCenter(t);
  });
  afterAll(() => t.close());

  const put = (path: string, body: unknown) =>
    t.http
      .put(path)
      .set(center.auth)
      .send(body as object);
  const get = (path: string) => t.http.get(path).set(center.auth);

  it('upserts an advisor: 201 created, 200 unchanged (not rewritten), 200 changed; the body is the stored resource', async () => {
    const created = await put('/v1/advisors/adv-1', advisorBody).expect(201);
    expect(created.body).toEqual({
      externalId: 'adv-1',
      ...advisorBody,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const unchanged = await put('/v1/advisors/adv-1', advisorBody).expect(200);
    expect(unchanged.body.updatedAt).toBe(created.body.updatedAt);
    const changed = await put('/v1/advisors/adv-1', { ...advisorBody, timezone: 'Europe/Berlin' }).expect(
      200,
    );
    expect(changed.body.timezone).toBe('Europe/Berlin');
    expect(changed.body.updatedAt).not.toBe(created.body.updatedAt);
    expect((await get('/v1/advisors/adv-1').expect(200)).body).toEqual(changed.body);
    await get('/v1/advisors/adv-404').expect(404);
  });

  it('round-trips Japanese and emoji text exactly', async () => {
    await put('/v1/advisors/adv-1', advisorBody).expect(201);
    const name = '髙橋 𠮷子 🎓👩‍🎓';
    await put('/v1/students/stu-1', { ...studentBody(), name }).expect(201);
    expect((await get('/v1/students/stu-1')).body.name).toBe(name);
    await put('/v1/companies/cmp-1', { name: '株式会社サンプル商事（東京本社）' }).expect(201);
    expect((await get('/v1/companies/cmp-1')).body).toMatchObject({
      name: '株式会社サンプル商事（東京本社）',
      industry: null,
    });
  });

  it('refuses text holding U+0000 (PostgreSQL cannot store it) with a 400 naming the field; a bulk item fails alone', async () => {
    const refused = await put('/v1/companies/cmp-1', {
      ...companyBody,
      name: '株式会社\u0000サンプル',
    }).expect(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors).toEqual([
      { path: 'name', message: 'must not contain the NUL character (U+0000)' },
    ]);
    await get('/v1/companies/cmp-1').expect(404);
    await put('/v1/advisors/adv-1', advisorBody).expect(201);
    await put('/v1/students/stu-1', { ...studentBody(), name: 'a\u0000' }).expect(400);
    const bulk = await t.http
      .post('/v1/companies/bulk')
      .set(center.auth)
      .send({
        items: [
          { externalId: 'cmp-2', name: 'x', industry: 'IT\u0000' },
          { externalId: 'cmp-3', name: 'ok' },
        ],
      })
      .expect(200);
    expect(bulk.body.results[0]).toMatchObject({
      externalId: 'cmp-2',
      status: 'error',
      error: {
        status: 400,
        errors: [{ path: 'industry', message: 'must not contain the NUL character (U+0000)' }],
      },
    });
    expect(bulk.body.results[1]).toEqual({ externalId: 'cmp-3', status: 'created' });
    await get('/v1/companies/cmp-2').expect(404);
  });

  it('links a student to an advisor by externalId, moves them by upsert, and 422s an unknown advisor', async () => {
    await put('/v1/advisors/adv-1', advisorBody).expect(201);
    await put('/v1/advisors/adv-2', { ...advisorBody, name: '鈴木 一郎' }).expect(201);
    const created = await put('/v1/students/stu-1', studentBody('adv-1')).expect(201);
    expect(created.body).toMatchObject({
      advisorExternalId: 'adv-1',
      graduationYear: 2027,
      notificationsEnabled: true,
      locale: 'ja',
    });
    const moved = await put('/v1/students/stu-1', studentBody('adv-2')).expect(200);
    expect(moved.body.advisorExternalId).toBe('adv-2');
    const unknown = await put('/v1/students/stu-2', studentBody('adv-404')).expect(422);
    expect(unknown.headers['content-type']).toMatch(/problem\+json/);
    expect(unknown.body.errors).toEqual([
      { path: 'advisorExternalId', message: expect.stringMatching(/no advisor/) },
    ]);
    await get('/v1/students/stu-2').expect(404);
  });

  it.each([
    ['timezone', { timezone: 'Mars/Olympus' }, 'timezone'],
    ['locale', { locale: 'fr' }, 'locale'],
    ['e-mail', { email: 'not-an-email' }, 'email'],
    ['graduation year', { graduationYear: 1800 }, 'graduationYear'],
    ['graduation year type', { graduationYear: '2027' }, 'graduationYear'],
    ['name length', { name: 'あ'.repeat(201) }, 'name'],
    ['empty name', { name: '' }, 'name'],
    ['unknown field', { nickname: 'taro' }, 'nickname'],
    ['advisor id pattern', { advisorExternalId: 'adv 1/2' }, 'advisorExternalId'],
    ['opt-out type', { notificationsEnabled: 'no' }, 'notificationsEnabled'],
  ])('rejects a student with a bad %s (400 naming %s) and stores nothing', async (_what, patch, path) => {
    await put('/v1/advisors/adv-1', advisorBody).expect(201);
    const response = await put('/v1/students/stu-1', { ...studentBody(), ...patch }).expect(400);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    await get('/v1/students/stu-1').expect(404);
  });

  it('rejects bad external ids in the path', async () => {
    const tooLong = 'x'.repeat(129);
    const response = await put(`/v1/advisors/${tooLong}`, advisorBody).expect(400);
    expect(response.body.errors).toEqual([{ path: 'externalId', message: expect.any(String) }]);
    await put('/v1/advisors/bad%20id', advisorBody).expect(400);
    await put(`/v1/advisors/${'x'.repeat(128)}`, advisorBody).expect(201);
  });

  it('keeps contacts under their company', async () => {
    await put('/v1/companies/cmp-1', companyBody).expect(201);
    const created = await put('/v1/companies/cmp-1/contacts/ct-1', contactBody).expect(201);
    expect(created.body).toEqual({
      externalId: 'ct-1',
      companyExternalId: 'cmp-1',
      ...contactBody,
      nameLatin: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    await put('/v1/companies/cmp-1/contacts/ct-1', contactBody).expect(200);
    await put('/v1/companies/cmp-404/contacts/ct-1', contactBody).expect(404);
    await get('/v1/companies/cmp-404/contacts').expect(404);
    expect((await get('/v1/companies/cmp-1/contacts').expect(200)).body.items).toHaveLength(1);
    await put('/v1/companies/cmp-1/contacts/ct-2', { ...contactBody, email: 'nope' }).expect(400);
  });

  it('stores an interaction with its contacts, times as instants, and the defaults', async () => {
    await seedDirectory(t, center);
    const response = await get('/v1/interactions/int-1').expect(200);
    expect(response.body).toEqual({
      externalId: 'int-1',
      studentExternalId: 'stu-1',
      companyExternalId: 'cmp-1',
      kind: 'INTERVIEW',
      occurredAt: '2026-11-26T01:00:00.000Z',
      endedAt: '2026-11-26T02:00:00.000Z',
      contactExternalIds: ['ct-1'],
      notes: '事業内容と若手社員の働き方について伺った',
      outcome: 'PENDING',
      resultExpectedBy: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    // The same instant written with another offset is unchanged.
    await put(
      '/v1/interactions/int-1',
      interactionBody({ occurredAt: '2026-11-26T01:00:00Z', endedAt: '2026-11-26T02:00:00Z' }),
    ).expect(200);
    expect((await get('/v1/interactions/int-1')).body.updatedAt).toBe(response.body.updatedAt);
    const decided = await put(
      '/v1/interactions/int-1',
      interactionBody({ outcome: 'PASSED', resultExpectedBy: '2026-12-04' }),
    ).expect(200);
    expect(decided.body).toMatchObject({ outcome: 'PASSED', resultExpectedBy: '2026-12-04' });
  });

  it.each([
    ['an offset-less time', { occurredAt: '2026-11-26T10:00:00' }, 'occurredAt'],
    ['a date only', { occurredAt: '2026-11-26' }, 'occurredAt'],
    ['an impossible date', { occurredAt: '2026-02-30T10:00:00+09:00' }, 'occurredAt'],
    ['an end before the start', { endedAt: '2026-11-26T09:00:00+09:00' }, 'endedAt'],
    ['an unknown kind', { kind: 'LUNCH' }, 'kind'],
    ['an unknown outcome', { outcome: 'MAYBE' }, 'outcome'],
    ['a bad promised date', { resultExpectedBy: '2026-13-01' }, 'resultExpectedBy'],
    ['notes over 10,000 characters', { notes: 'x'.repeat(10001) }, 'notes'],
    ['repeated contacts', { contactExternalIds: ['ct-1', 'ct-1'] }, 'contactExternalIds'],
  ])('rejects an interaction with %s (400 naming %s)', async (_what, patch, path) => {
    await seedDirectory(t, center);
    const response = await put('/v1/interactions/int-2', interactionBody(patch)).expect(400);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    await get('/v1/interactions/int-2').expect(404);
  });

  it('422s references that do not exist, naming each field, including a contact of another company', async () => {
    await seedDirectory(t, center);
    await put('/v1/companies/cmp-2', { name: '株式会社テスト' }).expect(201);
    await put('/v1/companies/cmp-2/contacts/ct-other', contactBody).expect(201);
    const response = await put(
      '/v1/interactions/int-2',
      interactionBody({ studentExternalId: 'stu-404', contactExternalIds: ['ct-1', 'ct-other'] }),
    ).expect(422);
    expect(response.body.errors).toEqual([
      { path: 'studentExternalId', message: expect.any(String) },
      { path: 'contactExternalIds[1]', message: 'no contact with this externalId at this company' },
    ]);
    const follow = await put('/v1/follow-ups/fu-1', {
      interactionExternalId: 'int-404',
      channel: 'EMAIL',
      sentAt: '2026-11-26T18:00:00+09:00',
    }).expect(422);
    expect(follow.body.errors).toEqual([{ path: 'interactionExternalId', message: expect.any(String) }]);
  });

  it('logs follow-ups against an interaction', async () => {
    await seedDirectory(t, center);
    const body = {
      interactionExternalId: 'int-1',
      channel: 'EMAIL',
      sentAt: '2026-11-26T18:30:00+09:00',
      note: 'お礼メール送信',
    };
    const created = await put('/v1/follow-ups/fu-1', body).expect(201);
    expect(created.body).toEqual({
      externalId: 'fu-1',
      ...body,
      studentExternalId: 'stu-1',
      sentAt: '2026-11-26T09:30:00.000Z',
      purpose: 'THANK_YOU',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    await put('/v1/follow-ups/fu-1', { ...body, purpose: 'CHECK_IN' }).expect(200);
    await put('/v1/follow-ups/fu-2', { ...body, channel: 'FAX' }).expect(400);
  });

  it('deletes an interaction with its follow-ups, keeping an anonymised tombstone; the id can be reused', async () => {
    await seedDirectory(t, center);
    await put('/v1/follow-ups/fu-1', {
      interactionExternalId: 'int-1',
      channel: 'PHONE',
      sentAt: '2026-11-26T18:30:00+09:00',
    }).expect(201);
    await t.http.delete('/v1/interactions/int-1').set(center.auth).expect(204);
    await get('/v1/interactions/int-1').expect(404);
    await get('/v1/follow-ups/fu-1').expect(404);
    await t.http.delete('/v1/interactions/int-1').set(center.auth).expect(404);
    const tombstones = await t.app
      .get(DataSource)
      .query(`SELECT external_id, notes, kind FROM interactions WHERE center_id = $1`, [center.id]);
    expect(tombstones).toEqual([{ external_id: null, notes: null, kind: 'INTERVIEW' }]);
    await put('/v1/follow-ups/fu-2', {
      interactionExternalId: 'int-1',
      channel: 'PHONE',
      sentAt: '2026-11-26T18:30:00+09:00',
    }).expect(422);
    await put('/v1/interactions/int-1', interactionBody()).expect(201);
  });

  it('erases a student: personal data and identifiers gone, statistics kept, the id reusable', async () => {
    await seedDirectory(t, center);
    await put('/v1/follow-ups/fu-1', {
      interactionExternalId: 'int-1',
      channel: 'EMAIL',
      sentAt: '2026-11-26T18:30:00+09:00',
      note: 'メモ',
    }).expect(201);
    await t.http.delete('/v1/students/stu-1').set(center.auth).expect(204);
    await get('/v1/students/stu-1').expect(404);
    await get('/v1/interactions/int-1').expect(404);
    await get('/v1/follow-ups/fu-1').expect(404);
    expect((await get('/v1/students').expect(200)).body.items).toEqual([]);
    const db = t.app.get(DataSource);
    const [student] = await db.query(`SELECT * FROM students WHERE center_id = $1`, [center.id]);
    expect(student).toMatchObject({
      external_id: null,
      name: null,
      email: null,
      locale: 'ja',
      graduation_year: 2027,
    });
    expect(student.erased_at).toBeInstanceOf(Date);
    const rows = JSON.stringify(
      await db.query(
        `SELECT s.*, i.*, f.* FROM students s JOIN interactions i ON i.student_id = s.id JOIN follow_ups f ON f.interaction_id = i.id
         WHERE s.center_id = $1`,
        [center.id],
      ),
    );
    for (const personal of ['山田 太郎', 'taro.yamada', 'stu-1', 'int-1', 'fu-1', '事業内容', 'メモ'])
      expect(rows).not.toContain(personal);
    expect(rows).toContain('INTERVIEW');
    await put('/v1/students/stu-1', studentBody()).expect(201);
  });

  it("never reaches another center's records: ids are 404, lists are empty, references are 422", async () => {
    await seedDirectory(t, center);
    const other = await createCenter(t);
    for (const path of [
      '/v1/advisors/adv-1',
      '/v1/students/stu-1',
      '/v1/companies/cmp-1',
      '/v1/companies/cmp-1/contacts/ct-1',
      '/v1/interactions/int-1',
    ]) {
      await t.http.get(path).set(other.auth).expect(404);
    }
    await t.http.delete('/v1/interactions/int-1').set(other.auth).expect(404);
    await t.http.delete('/v1/students/stu-1').set(other.auth).expect(404);
    for (const path of [
      '/v1/advisors',
      '/v1/students',
      '/v1/companies',
      '/v1/interactions',
      '/v1/follow-ups',
    ]) {
      expect((await t.http.get(path).set(other.auth).expect(200)).body.items).toEqual([]);
    }
    await t.http.put('/v1/students/stu-9').set(other.auth).send(studentBody('adv-1')).expect(422);
    // The same externalId in another center is another record.
    await t.http
      .put('/v1/advisors/adv-1')
      .set(other.auth)
      .send({ ...advisorBody, name: '別センター' })
      .expect(201);
    expect((await get('/v1/advisors/adv-1')).body.name).toBe(advisorBody.name);
    await get('/v1/interactions/int-1').expect(200);
  });
});
