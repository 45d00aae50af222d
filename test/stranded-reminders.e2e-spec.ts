import { DataSource } from 'typeorm';
import { DeliveryService, type ClaimedDelivery } from '../src/webhooks/delivery.service.js';
import { SweepService } from '../src/reminders/sweep.service.js';
import { studentBody } from './helpers/fixtures.js';
import { dispatchCenter, startDispatchTestApp } from './helpers/dispatch-test-app.js';
import { eventually, type TestApp, type TestCenter } from './helpers/test-app.js';
import { middayZone, WebhookReceiver } from './helpers/webhook-receiver.js';

/**
 * Issue 13, item 10: deleting a webhook endpoint deletes its deliveries, so a reminder the dispatcher had
 * claimed for it (dispatched_at set) would stay SCHEDULED for ever. The endpoint is deleted while the first
 * attempt is in flight (the receiver holds its answer); the next sweep must then deliver the reminder to the
 * endpoints subscribed now, or fail it with a reason.
 */
describe('a reminder whose endpoint was deleted after it was claimed', () => {
  const first = new WebhookReceiver();
  const second = new WebhookReceiver();
  let firstUrl: string;
  let secondUrl: string;
  let t: TestApp;
  let db: DataSource;
  let center: TestCenter;
  let endpointId: string;
  let release: () => void;

  beforeAll(async () => {
    firstUrl = await first.start();
    secondUrl = await second.start();
    t = await startDispatchTestApp();
    db = t.app.get(DataSource);
  });
  beforeEach(async () => {
    for (const receiver of [first, second]) receiver.received.length = 0;
    first.hold = new Promise<void>((resolve) => (release = resolve));
    let endpoint: { id: string };
    ({ center, endpoint } = await dispatchCenter(t, firstUrl));
    endpointId = endpoint.id;
  });
  afterEach(() => release());
  afterAll(async () => {
    await t.close();
    await first.stop();
    await second.stop();
  });

  /** stu-1 interviewed 3 hours ago: its first reminder is due at once and goes out through the queue. */
  const interviewed = async () => {
    await t.http
      .put('/v1/students/stu-1')
      .set(center.auth)
      .send({ ...studentBody(), timezone: middayZone() })
      .expect(201);
    await t.http
      .put('/v1/interactions/int-1')
      .set(center.auth)
      .send({
        studentExternalId: 'stu-1',
        companyExternalId: 'cmp-1',
        kind: 'INTERVIEW',
        occurredAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
        contactExternalIds: ['ct-1'],
      })
      .expect(201);
  };
  const reminder = async () =>
    (await t.http.get('/v1/reminders').query({ studentExternalId: 'stu-1' }).set(center.auth).expect(200))
      .body.items[0] as { id: string; status: string; cancelReason: string | null };
  const receivedBy = (receiver: WebhookReceiver, count: number) =>
    eventually(
      () => Promise.resolve(receiver.received.length >= count ? true : undefined),
      20000,
      `${count} webhook(s)`,
    );
  /** The endpoint is deleted while its attempt is in flight; the receiver answers once the test is over. */
  const deleteEndpointMidAttempt = async () => {
    await interviewed();
    await receivedBy(first, 1);
    await t.http.delete(`/v1/webhook-endpoints/${endpointId}`).set(center.auth).expect(204);
    const { id } = await reminder();
    // Claimed, and nothing left that would ever finish it: the state the sweep has to get out of.
    const [row] = await db.query<{ status: string; dispatched: boolean; deliveries: number }[]>(
      `SELECT r.status, r.dispatched_at IS NOT NULL AS dispatched,
              (SELECT count(*)::int FROM webhook_deliveries d WHERE d.reminder_id = r.id) AS deliveries
       FROM reminders r WHERE r.id = $1`,
      [id],
    );
    expect(row).toEqual({ status: 'SCHEDULED', dispatched: true, deliveries: 0 });
    return id;
  };

  it('is delivered to the endpoint subscribed when the sweep next runs, and becomes SENT', async () => {
    const id = await deleteEndpointMidAttempt();
    await t.http
      .post('/v1/webhook-endpoints')
      .set(center.auth)
      .send({ url: secondUrl, eventTypes: ['followup.reminder'] })
      .expect(201);
    expect((await t.app.get(SweepService).sweep()).stranded).toEqual({ sent: 0, redispatched: 1, failed: 0 });
    await receivedBy(second, 1);
    expect(second.received[0].headers['webhook-id']).toBe(`msg_${id}`);
    await eventually(async () => ((await reminder()).status === 'SENT' ? true : undefined), 10000, 'SENT');
    expect(first.received).toHaveLength(1);
  });

  it('becomes FAILED, saying why, when no endpoint is subscribed any more; later sweeps leave it', async () => {
    await deleteEndpointMidAttempt();
    expect((await t.app.get(SweepService).sweep()).stranded).toEqual({ sent: 0, redispatched: 0, failed: 1 });
    expect(await reminder()).toMatchObject({
      status: 'FAILED',
      cancelReason: expect.stringContaining('webhook endpoint was deleted'),
    });
    expect((await t.app.get(SweepService).sweep()).stranded).toEqual({ sent: 0, redispatched: 0, failed: 0 });
    expect((await reminder()).status).toBe('FAILED');
  });

  it('is SENT when its other endpoint got it and only the deleted one was left', async () => {
    second.hold = null;
    await t.http
      .post('/v1/webhook-endpoints')
      .set(center.auth)
      .send({ url: secondUrl, eventTypes: ['followup.reminder'] })
      .expect(201);
    await interviewed();
    await receivedBy(first, 1);
    await receivedBy(second, 1);
    const { id } = await reminder();
    await eventually(
      async () => {
        const [row] = await db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM webhook_deliveries WHERE reminder_id = $1 AND status = 'SUCCEEDED'`,
          [id],
        );
        return row.n === 1 ? true : undefined;
      },
      10000,
      "the second endpoint's success",
    );
    await t.http.delete(`/v1/webhook-endpoints/${endpointId}`).set(center.auth).expect(204);
    expect((await t.app.get(SweepService).sweep()).stranded).toEqual({ sent: 1, redispatched: 0, failed: 0 });
    expect((await reminder()).status).toBe('SENT');
    expect(second.received).toHaveLength(1);
  });

  it.each([200, 500])(
    'the answer (%i) to an attempt whose endpoint was deleted meanwhile is dropped without an error',
    async (status) => {
      await interviewed();
      await receivedBy(first, 1);
      const { id } = await reminder();
      // The attempt as the dispatcher holds it, read before the endpoint and its deliveries go.
      const [attempt] = await db.query<Omit<ClaimedDelivery, 'attempts' | 'claimed_until'>[]>(
        `SELECT d.id, d.endpoint_id, d.message_id, d.payload::text AS body, d.reminder_id,
                e.url, e.secret, e.previous_secret, e.previous_secret_expires_at, e.disabled_at
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.reminder_id = $1`,
        [id],
      );
      await t.http.delete(`/v1/webhook-endpoints/${endpointId}`).set(center.auth).expect(204);
      release();
      first.script = [status];
      const claimed = { ...attempt, attempts: 1, claimed_until: new Date(Date.now() + 60_000) };
      await expect(t.app.get(DeliveryService).deliver([claimed])).resolves.toBeUndefined();
      expect(first.received).toHaveLength(2);
      const [left] = await db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM webhook_attempts a WHERE a.delivery_id = $1`,
        [attempt.id],
      );
      expect(left.n).toBe(0);
    },
  );
});
