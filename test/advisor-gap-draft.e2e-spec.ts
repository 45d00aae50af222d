import { Webhook } from 'standardwebhooks';
import { advisorToken, graphql } from './helpers/advisor-graphql.js';
import { dispatchCenter, startDispatchTestApp } from './helpers/dispatch-test-app.js';
import { advisorBody, companyBody, contactBody, studentBody } from './helpers/fixtures.js';
import { createCenter, eventually, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';
import { middayZone, WebhookReceiver } from './helpers/webhook-receiver.js';

/** Gap.draft: the draft the reminder webhook carries, for every open gap, batched and counted in the cost. */

const COMPANY = 'ノースウィンド・アナリティクス株式会社 (Northwind Analytics)';
const CONTACT = {
  name: '田中 美咲',
  title: '人事部 採用担当',
  email: 'misaki.tanaka@northwind.example.co.jp',
};

const STUDENT_GAPS = `query($id: String!) { student(externalId: $id) {
  gaps { id purpose interaction { externalId } draft { locale subject text } } } }`;

interface DeliveredItem {
  gapId: string;
  purpose: string;
  draft: { subject: string; text: string };
}

describe('Gap.draft is the draft the reminder webhook delivers', () => {
  const receiver = new WebhookReceiver();
  let t: TestApp;
  let center: TestCenter;
  let secret: string;
  beforeAll(async () => {
    const url = await receiver.start();
    t = await startDispatchTestApp();
    const made = await dispatchCenter(t, url);
    center = made.center;
    secret = made.endpoint.secret;
    await t.http.put('/v1/companies/cmp-nw').set(center.auth).send({ name: COMPANY }).expect(201);
    await t.http.put('/v1/companies/cmp-nw/contacts/ct-tanaka').set(center.auth).send(CONTACT).expect(201);
    // Around midday in their zone, so the nudge due now is not moved by quiet hours.
    for (const [id, locale] of [
      ['stu-ja', 'ja'],
      ['stu-en', 'en'],
    ] as const)
      await t.http
        .put(`/v1/students/${id}`)
        .set(center.auth)
        .send({ ...studentBody(), locale, timezone: middayZone() })
        .expect(201);
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  it('an advisor reads, for each open gap, exactly the delivered draft, naming the company and contact', async () => {
    for (const student of ['stu-ja', 'stu-en'])
      await t.http
        .put(`/v1/interactions/int-${student}`)
        .set(center.auth)
        .send({
          studentExternalId: student,
          companyExternalId: 'cmp-nw',
          kind: 'INTERVIEW',
          occurredAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
          contactExternalIds: ['ct-tanaka'],
          notes: '海外研修制度について',
        })
        .expect(201);
    const delivered = await eventually(
      () => Promise.resolve(receiver.received.length >= 2 ? receiver.received : undefined),
      20_000,
      'both reminder webhooks',
    );
    const items = new Map<string, DeliveredItem>();
    for (const request of delivered) {
      const event = new Webhook(secret).verify(request.body, request.headers) as {
        data: { items: DeliveredItem[] };
      };
      for (const item of event.data.items) items.set(item.gapId, item);
    }

    const advisor = await advisorToken(t, { sub: 'adv-1', center: center.id, role: 'advisor' });
    for (const [student, locale] of [
      ['stu-ja', 'ja'],
      ['stu-en', 'en'],
    ]) {
      const response = await graphql(t, advisor, STUDENT_GAPS, { id: student });
      expect(response.errors).toBeUndefined();
      const gaps = response.data.student.gaps as {
        id: string;
        purpose: string;
        draft: { locale: string; subject: string; text: string };
      }[];
      const thankYou = gaps.find((gap) => gap.purpose === 'THANK_YOU')!;
      const item = items.get(thankYou.id)!;
      expect(item).toBeDefined();
      expect(thankYou.draft).toEqual({ locale, subject: item.draft.subject, text: item.draft.text });
      expect(thankYou.draft.text).toContain(COMPANY);
      if (locale === 'ja') expect(thankYou.draft.text).toContain(`${CONTACT.title} ${CONTACT.name}様`);
      // The check-in gap opens later, and its draft is the check-in (the webhook's template for it).
      for (const gap of gaps) expect(gap.draft.locale).toBe(locale);
    }
  });
});

describe('Gap.draft: batched, scoped and counted in the cost', () => {
  let t: TestApp;
  let center: TestCenter;
  let advisor: string;
  beforeAll(async () => {
    t = await startTestApp({ role: 'api', isolated: true });
    center = await createCenter(t);
    await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/advisors/adv-2').set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
    await t.http.put('/v1/companies/cmp-1/contacts/ct-1').set(center.auth).send(contactBody).expect(201);
    const ids = Array.from({ length: 100 }, (_, i) => `stu-${String(i).padStart(3, '0')}`);
    await t.http
      .post('/v1/students/bulk')
      .set(center.auth)
      .send({ items: ids.map((id, i) => ({ externalId: id, ...studentBody(i === 0 ? 'adv-2' : 'adv-1') })) })
      .expect(200);
    await t.http
      .post('/v1/interactions/bulk')
      .set(center.auth)
      .send({
        items: ids.map((id, i) => ({
          externalId: `int-${id}`,
          studentExternalId: id,
          companyExternalId: 'cmp-1',
          kind: 'INTERVIEW',
          occurredAt: new Date(Date.now() - (3 + i / 10) * 3600_000).toISOString(),
          contactExternalIds: ['ct-1'],
        })),
      })
      .expect(200);
    advisor = await advisorToken(t, { sub: 'adv-1', center: center.id, role: 'advisor' });
  });
  afterAll(() => t.close());

  const statements = async () => {
    const metrics = (await t.http.get('/metrics').expect(200)).text;
    return Number(/^db_statements_total (\d+)/m.exec(metrics)![1]);
  };

  it('costs the same number of SQL statements for the drafts of 10 or 99 students (no N+1)', async () => {
    const query = `query($first: Int) { studentsMissingFollowUps(first: $first) { edges { node {
      gaps(first: 1) { id draft { locale subject } } } } } }`;
    const cost = async (first: number) => {
      const before = await statements();
      const response = await graphql(t, advisor, query, { first });
      expect(response.errors).toBeUndefined();
      const edges = response.data.studentsMissingFollowUps.edges as {
        node: { gaps: { draft: { subject: string } | null }[] };
      }[];
      expect(edges).toHaveLength(first);
      for (const edge of edges) expect(edge.node.gaps[0].draft?.subject).toMatch(/面接のお礼/);
      return (await statements()) - before;
    };
    await cost(1); // the first request also looks the advisor up, which is remembered
    const ten = await cost(10);
    expect(await cost(99)).toBe(ten); // adv-1's caseload: 99 students
    // The page (students, interactions, companies primed), the drafts' contacts, and the /metrics scrape.
    expect(ten).toBe(3);
  });

  it("shows only drafts of the advisor's own students", async () => {
    const own = await graphql(t, advisor, STUDENT_GAPS, { id: 'stu-001' });
    expect(own.data.student.gaps[0].draft.text).toContain(companyBody.name);
    const notOwn = await graphql(t, advisor, STUDENT_GAPS, { id: 'stu-000' });
    expect(notOwn.errors).toBeUndefined();
    expect(notOwn.data.student).toBeNull();
  });

  it("counts a draft's text by its longest size: a page of drafts' texts costs more than a page of subjects", async () => {
    const page = (first: number, fields: string) =>
      graphql(
        t,
        advisor,
        `query($first: Int) { studentsMissingFollowUps(first: $first) { edges { node {
          gaps(first: 1) { draft { ${fields} } } } } } }`,
        { first },
      );
    expect((await page(100, 'locale subject')).status).toBe(200);
    expect((await page(50, 'text')).status).toBe(200);
    const refused = await page(100, 'text');
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0].message).toMatch(/^The query's cost \d+ exceeds the maximum cost of 10000\.$/);
  });
});
