import { Webhook } from 'standardwebhooks';
import { EscalationService } from '../src/reminders/escalation.service.js';
import { advisorBody, studentBody } from './helpers/fixtures.js';
import { dispatchCenter, startDispatchTestApp } from './helpers/dispatch-test-app.js';
import { OpenApiValidator, type OpenApiDocument } from './helpers/openapi-validator.js';
import { eventually, type TestApp } from './helpers/test-app.js';
import { middayZone, WebhookReceiver, type ReceivedWebhook } from './helpers/webhook-receiver.js';

type Callback = {
  post: {
    parameters: { name: string; in: string }[];
    requestBody: { content: { 'application/json': { schema: unknown } } };
  };
};

/**
 * The webhooks the document describes (callbacks of createWebhookEndpoint) are the webhooks the service
 * sends: real deliveries to a loopback receiver, verified as Standard Webhooks, validate against them.
 */
describe('webhook deliveries validate against the callbacks in /openapi.json', () => {
  const receiver = new WebhookReceiver();
  let t: TestApp;
  let url: string;
  let document: OpenApiDocument & {
    paths: Record<string, Record<string, { callbacks: Record<string, Record<string, Callback>> }>>;
  };
  beforeAll(async () => {
    url = await receiver.start();
    t = await startDispatchTestApp();
    document = (await t.http.get('/openapi.json').expect(200)).body;
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  function expectDocumented(event: string, delivery: ReceivedWebhook, secret: string) {
    const callback = Object.values(document.paths['/v1/webhook-endpoints'].post.callbacks[event])[0].post;
    for (const header of callback.parameters.filter((p) => p.in === 'header'))
      expect(delivery.headers[header.name]).toEqual(expect.any(String));
    const body = new Webhook(secret).verify(delivery.body, delivery.headers);
    const validator = new OpenApiValidator(document);
    expect(validator.errors(callback.requestBody.content['application/json'].schema, body)).toEqual([]);
    return body as { type: string };
  }

  it('followup.reminder and followup.escalation, as delivered', async () => {
    const { center, endpoint } = await dispatchCenter(t, url);
    const escalations = await t.http
      .post('/v1/webhook-endpoints')
      .set(center.auth)
      .send({ url, eventTypes: ['followup.escalation'] })
      .expect(201);
    await t.http
      .put('/v1/advisors/adv-1')
      .set(center.auth)
      .send({ ...advisorBody, timezone: middayZone() })
      .expect(200);
    await t.http
      .put('/v1/students/stu-1')
      .set(center.auth)
      .send({ ...studentBody(), timezone: middayZone(), nameLatin: 'Taro Yamada' })
      .expect(201);
    // A thank-you due now (a reminder), and one overdue for a day (the advisor's digest).
    for (const [id, hours] of [
      ['int-1', 3],
      ['int-2', 72],
    ] as const)
      await t.http
        .put(`/v1/interactions/${id}`)
        .set(center.auth)
        .send({
          studentExternalId: 'stu-1',
          companyExternalId: 'cmp-1',
          kind: 'INTERVIEW',
          occurredAt: new Date(Date.now() - hours * 3600_000).toISOString(),
          contactExternalIds: ['ct-1'],
        })
        .expect(201);
    await t.app.get(EscalationService).run();
    const find = (type: string) => receiver.received.find((r) => r.body.includes(`"${type}"`));
    const [reminder, digest] = await eventually(
      () => {
        const both = [find('followup.reminder'), find('followup.escalation')];
        return Promise.resolve(both.every(Boolean) ? (both as ReceivedWebhook[]) : undefined);
      },
      20000,
      'a reminder and a digest',
    );
    expect(expectDocumented('followup.reminder', reminder, endpoint.secret).type).toBe('followup.reminder');
    expect(expectDocumented('followup.escalation', digest, escalations.body.secret).type).toBe(
      'followup.escalation',
    );
  });
});
