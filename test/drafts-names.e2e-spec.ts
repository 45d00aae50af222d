import { DataSource } from 'typeorm';
import { advisorBody } from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/**
 * Issue 17, item 10, through HTTP: contacts and students carry an optional `nameLatin`, stored, returned and
 * described in OpenAPI, used by English drafts (seen through POST /v1/interactions/preview, which renders
 * the draft as the reminder webhook does); without it, an English draft greets the hiring team rather than
 * a name in another script; a company whose name ends with a period gets no second one.
 */
describe('names in English drafts (nameLatin) and punctuation after names', () => {
  let t: TestApp;
  let center: TestCenter;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    center = await createCenter(t);
    await put('/v1/advisors/adv-1', advisorBody).expect(201);
    await put('/v1/companies/cmp-nw', { name: 'Northwind Analytics Inc.', industry: 'Data' }).expect(201);
  });
  afterAll(() => t.close());

  const put = (path: string, body: object) => t.http.put(path).set(center.auth).send(body);
  const get = (path: string) => t.http.get(path).set(center.auth);
  const student = (extra: Record<string, unknown> = {}) => ({
    name: '山田 太郎',
    email: 'taro.yamada@student.example.ac.jp',
    locale: 'en',
    timezone: 'Asia/Tokyo',
    advisorExternalId: 'adv-1',
    ...extra,
  });
  const contact = (extra: Record<string, unknown> = {}) => ({
    name: '佐藤 一郎',
    title: '人事部 課長',
    email: 'ichiro.sato@northwind.example',
    ...extra,
  });
  const interaction = {
    studentExternalId: 'stu-1',
    companyExternalId: 'cmp-nw',
    kind: 'INTERVIEW',
    occurredAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
    contactExternalIds: ['ct-1'],
    notes: 'The data platform team.',
  };
  /** The English thank-you draft for interaction int-1 as it is stored now (PUT), seen through the preview. */
  const draft = async () => {
    await put('/v1/interactions/int-1', interaction).expect((r) => expect([200, 201]).toContain(r.status));
    const previewed = await t.http
      .post('/v1/interactions/preview')
      .set(center.auth)
      .send({ ...interaction, externalId: 'int-1' })
      .expect(200);
    const body = previewed.body as {
      draft: { locale: string; purpose: string; subject: string; text: string };
    };
    expect(body.draft).toMatchObject({ locale: 'en', purpose: 'THANK_YOU' });
    return body.draft;
  };

  it('stores and returns nameLatin for contacts and students; the English draft greets and signs with it', async () => {
    const storedStudent = await put('/v1/students/stu-1', student({ nameLatin: 'Taro Yamada' })).expect(201);
    expect(storedStudent.body).toMatchObject({ name: '山田 太郎', nameLatin: 'Taro Yamada' });
    expect((await get('/v1/students/stu-1').expect(200)).body.nameLatin).toBe('Taro Yamada');
    const storedContact = await put(
      '/v1/companies/cmp-nw/contacts/ct-1',
      contact({ nameLatin: 'Ichiro Sato' }),
    ).expect(201);
    expect(storedContact.body).toMatchObject({ name: '佐藤 一郎', nameLatin: 'Ichiro Sato' });
    expect((await get('/v1/companies/cmp-nw/contacts/ct-1').expect(200)).body.nameLatin).toBe('Ichiro Sato');
    expect((await get('/v1/companies/cmp-nw/contacts').expect(200)).body.items[0].nameLatin).toBe(
      'Ichiro Sato',
    );
    // The same body again leaves the row as it was; another nameLatin changes it.
    const again = await put('/v1/companies/cmp-nw/contacts/ct-1', contact({ nameLatin: 'Ichiro Sato' }));
    expect(again.body.updatedAt).toBe(storedContact.body.updatedAt);
    const renamed = await put('/v1/companies/cmp-nw/contacts/ct-1', contact({ nameLatin: 'I. Sato' }));
    expect(renamed.body.updatedAt).not.toBe(storedContact.body.updatedAt);
    await put('/v1/companies/cmp-nw/contacts/ct-1', contact({ nameLatin: 'Ichiro Sato' })).expect(200);

    const { text } = await draft();
    expect(text.split('\n')[0]).toBe('Dear Ichiro Sato,');
    expect(text).toMatch(/Kind regards,\nTaro Yamada\n$/);
    expect(text).not.toMatch(/佐藤|山田/);
    expect(text).toContain('the opportunity to join Northwind Analytics Inc.\n');
    expect(text).toContain('what you shared about The data platform team.\n');
    expect(text).not.toContain('..');

    // PUT replaces the whole resource: without nameLatin it is gone, and so is it from the draft.
    const cleared = await put('/v1/companies/cmp-nw/contacts/ct-1', contact()).expect(200);
    expect(cleared.body.nameLatin).toBeNull();
    expect((await put('/v1/students/stu-1', student()).expect(200)).body.nameLatin).toBeNull();
    const without = await draft();
    expect(without.text.split('\n')[0]).toBe('Dear Hiring Team at Northwind Analytics Inc.,');
    expect(without.text).toMatch(/Kind regards,\n山田 太郎\n$/);
  });

  it('without nameLatin, a contact with a Japanese name is not named in English: the documented greeting', async () => {
    await put('/v1/students/stu-1', student()).expect(201);
    const stored = await put('/v1/companies/cmp-nw/contacts/ct-1', contact()).expect(201);
    expect(stored.body.nameLatin).toBeNull();
    const { subject, text } = await draft();
    expect(text.split('\n')[0]).toBe('Dear Hiring Team at Northwind Analytics Inc.,');
    expect(text).not.toContain('佐藤');
    expect(`${subject}\n${text}`).not.toContain('..');
    // A contact whose name is in Latin script is named as it is.
    await put('/v1/companies/cmp-nw/contacts/ct-1', contact({ name: 'Jane Smith', title: 'Ms.' })).expect(
      200,
    );
    expect((await draft()).text.split('\n')[0]).toBe('Dear Ms. Smith,');
  });

  it('validates nameLatin as it does name (length, type, NUL) and documents it in OpenAPI', async () => {
    await put('/v1/students/stu-1', student()).expect(201);
    for (const [value, path] of [
      ['x'.repeat(201), 'nameLatin'],
      ['', 'nameLatin'],
      [42, 'nameLatin'],
      ['Taro\u0000Yamada', 'nameLatin'],
    ] as const) {
      const refusedContact = await put('/v1/companies/cmp-nw/contacts/ct-1', contact({ nameLatin: value }));
      expect(refusedContact.status).toBe(400);
      expect(refusedContact.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
      const refusedStudent = await put('/v1/students/stu-1', student({ nameLatin: value }));
      expect(refusedStudent.status).toBe(400);
      expect(refusedStudent.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    }
    await get('/v1/companies/cmp-nw/contacts/ct-1').expect(404);
    expect((await get('/v1/students/stu-1').expect(200)).body.nameLatin).toBeNull();
    await put('/v1/companies/cmp-nw/contacts/ct-1', contact({ nameLatin: 'x'.repeat(200) })).expect(201);

    const spec = (await t.http.get('/openapi.json').expect(200)).body as {
      components: { schemas: Record<string, { properties: Record<string, { maxLength?: number }> }> };
    };
    for (const schema of ['ContactBody', 'StudentBody'])
      expect(spec.components.schemas[schema].properties.nameLatin).toMatchObject({ maxLength: 200 });
    for (const schema of ['ContactResource', 'StudentResource'])
      expect(spec.components.schemas[schema].properties).toHaveProperty('nameLatin');
  });

  it('erasing the student wipes their nameLatin with the rest of their personal data', async () => {
    await put('/v1/students/stu-1', student({ nameLatin: 'Taro Yamada' })).expect(201);
    const [{ id }] = await t.app
      .get(DataSource)
      .query<{ id: string }[]>(`SELECT id FROM students WHERE center_id = $1 AND external_id = 'stu-1'`, [
        center.id,
      ]);
    await t.http.delete('/v1/students/stu-1').set(center.auth).expect(204);
    const [row] = await t.app
      .get(DataSource)
      .query<{ name: string | null; name_latin: string | null }[]>(
        `SELECT name, name_latin FROM students WHERE id = $1`,
        [id],
      );
    expect(row).toEqual({ name: null, name_latin: null });
  });
});
