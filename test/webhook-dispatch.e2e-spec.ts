import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { DispatchService } from '../src/reminders/dispatch.service.js';
import { EscalationService } from '../src/reminders/escalation.service.js';
import { SweepService } from '../src/reminders/sweep.service.js';
import { postWebhook } from '../src/webhooks/webhook-sender.js';
import { agentFor } from '../src/webhooks/ssrf-guard.js';
import { advisorBody, studentBody } from './helpers/fixtures.js';
import { dispatchCenter, startDispatchTestApp } from './helpers/dispatch-test-app.js';
import { eventually, walkPages, type TestApp, type TestCenter } from './helpers/test-app.js';
import { middayZone, WebhookReceiver } from './helpers/webhook-receiver.js';

/**
 * The whole path: REST in, the engine schedules, BullMQ (on its own namespace) dispatches, a real receiver on
 * loopback verifies every request with the standardwebhooks package. Retries run on a scaled-down schedule.
 */
describe('reminder dispatch to a real webhook receiver', () => {
  const receiver = new WebhookReceiver();
  let url: string;
  let t: TestApp;
  let center: TestCenter;
  let secret: string;
  let endpointId: string;

  beforeAll(async () => {
    url = await receiver.start();
    t = await startDispatchTestApp();
  });
  beforeEach(async () => {
    receiver.received.length = 0;
    receiver.script = [];
    let endpoint: { id: string; secret: string };
    ({ center, endpoint } = await dispatchCenter(t, url));
    secret = endpoint.secret;
    endpointId = endpoint.id;
    await t.http
      .put('/v1/students/stu-1')
      .set(center.auth)
      .send({ ...studentBody(), timezone: middayZone() })
      .expect(201);
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  const interviewHoursAgo = (hours: number) =>
    t.http
      .put('/v1/interactions/int-1')
      .set(center.auth)
      .send({
        studentExternalId: 'stu-1',
        companyExternalId: 'cmp-1',
        kind: 'INTERVIEW',
        occurredAt: new Date(Date.now() - hours * 3600_000).toISOString(),
        contactExternalIds: ['ct-1'],
        notes: '海外研修制度',
      })
      .expect(201);
  const reminder = async () =>
    (await t.http.get('/v1/reminders').query({ studentExternalId: 'stu-1' }).set(center.auth).expect(200))
      .body.items[0];
  const received = (count: number) =>
    eventually(
      () =>
        Promise.resolve(receiver.received.length >= count ? receiver.received.slice(0, count) : undefined),
      20000,
      `${count} webhook(s)`,
    );

  it("once a gap's first nudge went out, the sweep plans its second at idealBy (SPEC rule 1)", async () => {
    await interviewHoursAgo(3);
    await received(1);
    const reminders = async () =>
      (await t.http.get('/v1/reminders').query({ studentExternalId: 'stu-1' }).set(center.auth).expect(200))
        .body.items as { status: string; scheduledAt: string; items: { purpose: string; nudge: number }[] }[];
    const sent = await eventually(async () => {
      const all = await reminders();
      return all.some((r) => r.status === 'SENT') ? all : undefined;
    });
    const thankYouNudges = (all: typeof sent) =>
      all.flatMap((r) =>
        r.items.filter((i) => i.purpose === 'THANK_YOU').map((i) => `${i.nudge}:${r.status}`),
      );
    expect(thankYouNudges(sent)).toEqual(['1:SENT']); // the rules plan one nudge per gap at a time

    expect((await t.app.get(SweepService).sweep()).replanned).toBe(1);
    const after = await reminders();
    expect(thankYouNudges(after).sort()).toEqual(['1:SENT', '2:SCHEDULED']);
    const [gap] = (await t.http.get('/v1/students/stu-1/gaps').set(center.auth).expect(200)).body.items;
    const second = after.find((r) => r.items.some((i) => i.purpose === 'THANK_YOU' && i.nudge === 2))!;
    expect(second.scheduledAt).toBe(gap.idealBy); // middayZone: idealBy falls in the day, no quiet-hours shift
    expect((await t.app.get(SweepService).sweep()).replanned).toBe(0); // each sent reminder replans once
  });

  it('delivers a due reminder once, signed, with the SPEC 5.3 payload and a Japanese draft; the reminder becomes SENT', async () => {
    await interviewHoursAgo(3);
    const [request] = await received(1);
    const event = new Webhook(secret).verify(request.body, request.headers) as Record<string, unknown>;
    const due = await reminder();
    expect(request.headers['webhook-id']).toBe(`msg_${due.id}`);
    expect(request.headers['user-agent']).toBe('career-followup-service-webhooks/1');
    expect(event).toEqual({
      type: 'followup.reminder',
      timestamp: expect.any(String),
      data: {
        reminderId: due.id,
        center: { id: center.id },
        student: {
          externalId: 'stu-1',
          name: '山田 太郎',
          email: 'taro.yamada@student.example.ac.jp',
          locale: 'ja',
        },
        items: [
          {
            gapId: due.items[0].gapId,
            purpose: 'THANK_YOU',
            urgency: 'DUE',
            idealBy: expect.any(String),
            overdueAt: expect.any(String),
            interaction: { externalId: 'int-1', kind: 'INTERVIEW', occurredAt: expect.any(String) },
            company: { externalId: 'cmp-1', name: '株式会社サンプル商事' },
            contacts: [{ externalId: 'ct-1', name: '山田', title: '人事部' }],
            draft: {
              subject: expect.stringContaining('面接のお礼'),
              text: expect.stringContaining('株式会社サンプル商事 人事部 山田様'),
            },
          },
        ],
      },
    });
    await eventually(
      async () => ((await reminder()).status === 'SENT' ? true : undefined),
      10000,
      'the reminder to be SENT',
    );
    const deliveries = await t.http.get('/v1/webhook-deliveries').set(center.auth).expect(200);
    expect(deliveries.body.items).toEqual([
      expect.objectContaining({
        status: 'SUCCEEDED',
        webhookId: `msg_${due.id}`,
        attempts: [
          expect.objectContaining({
            statusCode: 200,
            at: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
          }),
        ],
      }),
    ]);
    const gaps = await t.http.get('/v1/students/stu-1/gaps').set(center.auth).expect(200);
    expect(gaps.body.items[0]).toMatchObject({ remindersSent: 1, lastRemindedAt: expect.any(String) });
    expect(receiver.received).toHaveLength(1);

    const metrics = (await t.http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/webhook_delivery_attempts_total\{outcome="success"\} [1-9]/);
    expect(metrics).toMatch(/reminder_transitions_total\{state="SENT"\} [1-9]/);
    expect(metrics).toMatch(/webhook_delivery_latency_seconds_count [1-9]/);
    expect(metrics).toMatch(/reminder_lateness_seconds_count [1-9]/);
    expect(metrics).toMatch(/queue_jobs\{queue="deliveries",state="waiting"\} \d+/);
    expect(metrics).toMatch(/reminders_scheduled\{due="true"\} \d+/);
  });

  it('sends nothing when a follow-up was logged before the reminder fell due', async () => {
    await interviewHoursAgo(1); // first nudge in an hour
    expect(await reminder()).toMatchObject({ status: 'SCHEDULED' });
    await t.http
      .put('/v1/follow-ups/fu-1')
      .set(center.auth)
      .send({ interactionExternalId: 'int-1', channel: 'PHONE', sentAt: new Date().toISOString() })
      .expect(201);
    await t.app.get(DispatchService).dispatchDue(); // even if a dispatch job fired now
    expect(await reminder()).toMatchObject({ status: 'CANCELLED' });
    expect(receiver.received).toEqual([]);
  });

  it('re-checks the gaps when the reminder is claimed: one closed meanwhile cancels it', async () => {
    await interviewHoursAgo(1);
    const due = await reminder();
    // Due now, its gap satisfied behind the engine's back: only the claim's own re-check can stop it.
    const db = t.app.get(DataSource);
    await db.query(`UPDATE reminders SET scheduled_at = now() - interval '1 second' WHERE id = $1`, [due.id]);
    await db.query(`UPDATE gaps SET state = 'SATISFIED' WHERE id = $1`, [due.items[0].gapId]);
    await t.app.get(DispatchService).dispatchDue();
    expect(await reminder()).toMatchObject({
      status: 'CANCELLED',
      cancelReason: 'its gaps were no longer open when it fell due',
    });
    expect(receiver.received).toEqual([]);
  });

  it('retries on failure along the (scaled) schedule and stops at the first 2xx; redelivery keeps the webhook-id', async () => {
    receiver.script = [500, 503, 302];
    await interviewHoursAgo(3);
    const requests = await received(4);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    // The first attempt, sent by the dispatcher, and the retries, read back from jsonb: the same bytes.
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);
    const gaps = requests.slice(1).map((r, i) => r.at - requests[i].at);
    expect(gaps[1]).toBeGreaterThanOrEqual(250); // the second retry waits ~300 ms (5 min scaled)
    // The receiver has answered the fourth request; the service records it a moment later.
    await eventually(async () => ((await reminder()).status === 'SENT' ? true : undefined), 10000, 'SENT');
    const [delivery] = (await t.http.get('/v1/webhook-deliveries').set(center.auth).expect(200)).body.items;
    expect(delivery.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 503, 302, 200]);

    await t.http.post(`/v1/webhook-deliveries/${delivery.id}/redeliver`).set(center.auth).expect(200);
    const again = await received(5);
    expect(again[4].headers['webhook-id']).toBe(requests[0].headers['webhook-id']);
  });

  it('pages through deliveries created in the same instant without skipping or repeating one', async () => {
    // A second endpoint: the reminder's two deliveries are inserted by one statement, at one created_at.
    await t.http
      .post('/v1/webhook-endpoints')
      .set(center.auth)
      .send({ url, eventTypes: ['followup.reminder'] })
      .expect(201);
    await interviewHoursAgo(3);
    await received(2);
    const { ids } = await walkPages(t, center, '/v1/webhook-deliveries', 1);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });

  it('a 410 disables the endpoint at once and fails the reminder', async () => {
    receiver.script = [410];
    await interviewHoursAgo(3);
    await received(1);
    await eventually(
      async () => ((await reminder()).status === 'FAILED' ? true : undefined),
      10000,
      'FAILED',
    );
    const endpoint = await t.http.get(`/v1/webhook-endpoints/${endpointId}`).set(center.auth).expect(200);
    expect(endpoint.body).toMatchObject({ disabled: true, disabledReason: expect.stringMatching(/410/) });
    expect(receiver.received).toHaveLength(1);
  });

  it('enables a disabled endpoint again, after which its failed delivery can be redelivered', async () => {
    receiver.script = [410];
    await interviewHoursAgo(3);
    await received(1);
    await eventually(
      async () => ((await reminder()).status === 'FAILED' ? true : undefined),
      10000,
      'FAILED',
    );
    const [failed] = (await t.http.get('/v1/webhook-deliveries').set(center.auth).expect(200)).body.items;
    // While the endpoint is disabled a redelivery would fail at once: refused, with what to do instead.
    const refused = await t.http
      .post(`/v1/webhook-deliveries/${failed.id}/redeliver`)
      .set(center.auth)
      .expect(409);
    expect(refused.body.detail).toMatch(/enable/);
    expect((await t.http.get(`/v1/webhook-deliveries/${failed.id}`).set(center.auth)).body.status).toBe(
      'FAILED',
    );

    const enabled = await t.http
      .post(`/v1/webhook-endpoints/${endpointId}/enable`)
      .set(center.auth)
      .expect(200);
    expect(enabled.body).toMatchObject({ id: endpointId, disabled: false, disabledReason: null });
    await t.http.post(`/v1/webhook-deliveries/${failed.id}/redeliver`).set(center.auth).expect(200);
    const [first, again] = await received(2);
    expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);
    await eventually(async () => ((await reminder()).status === 'SENT' ? true : undefined), 10000, 'SENT');
    await t.http
      .post(`/v1/webhook-endpoints/00000000-0000-4000-8000-000000000000/enable`)
      .set(center.auth)
      .expect(404);
  });

  describe('an endpoint that has failed every delivery for 5 days', () => {
    const db = () => t.app.get(DataSource);
    const delivery = async () =>
      (await t.http.get('/v1/webhook-deliveries').set(center.auth).expect(200)).body.items[0];
    const endpoint = async () =>
      (await t.http.get(`/v1/webhook-endpoints/${endpointId}`).set(center.auth).expect(200)).body;
    beforeEach(async () => {
      await db().query(
        `UPDATE webhook_endpoints SET failing_since = now() - interval '6 days' WHERE id = $1`,
        [endpointId],
      );
    });

    it('still retries a new delivery along its schedule (SPEC 5.3: at least 24 hours)', async () => {
      receiver.script = [500, 500];
      await interviewHoursAgo(3);
      await received(3);
      await eventually(async () => ((await reminder()).status === 'SENT' ? true : undefined), 10000, 'SENT');
      expect(await endpoint()).toMatchObject({ disabled: false });
    });

    it('is disabled when a delivery to it has used up its whole schedule', async () => {
      receiver.script = Array<number>(10).fill(500);
      await interviewHoursAgo(3);
      await received(3);
      // Once the third failure is recorded (the delivery rescheduled, no longer claimed), the next attempt is
      // 1.8 s away (scaled): make it the schedule's last, as if the schedule had run until now.
      await eventually(
        async () => {
          const moved: unknown[] = await db().query(
            `WITH moved AS (
               UPDATE webhook_deliveries SET attempts = 7
               WHERE endpoint_id = $1 AND attempts = 3 AND claimed_until IS NULL AND status = 'PENDING' RETURNING id
             ) SELECT id FROM moved`,
            [endpointId],
          );
          return moved.length === 1 ? true : undefined;
        },
        5000,
        'the third failure recorded',
      );
      await eventually(
        async () => ((await reminder()).status === 'FAILED' ? true : undefined),
        10000,
        'FAILED',
      );
      expect(await endpoint()).toMatchObject({
        disabled: true,
        disabledReason: 'every delivery failed for 5 days',
      });
      expect(receiver.received).toHaveLength(4);
    });

    it('once disabled, sends nothing more but fails no pending delivery before its schedule ends', async () => {
      receiver.script = Array<number>(10).fill(500);
      await interviewHoursAgo(3);
      await received(3);
      await db().query(
        `UPDATE webhook_endpoints SET disabled_at = now(), disabled_reason = 'every delivery failed for 5 days' WHERE id = $1`,
        [endpointId],
      );
      // The attempt row is written before the delivery is rescheduled: wait for both.
      const notSent = await eventually(
        async () => {
          const current = await delivery();
          return current.attempts.length === 4 &&
            current.lastError?.startsWith('not sent: the endpoint is disabled')
            ? current
            : undefined;
        },
        10000,
        'the fourth attempt, not sent, and the delivery rescheduled',
      );
      expect(notSent.status).toBe('PENDING');
      expect(notSent.attempts[3]).toMatchObject({
        statusCode: null,
        error: expect.stringMatching(/^not sent/),
      });
      expect(receiver.received).toHaveLength(3);
      expect((await reminder()).status).toBe('SCHEDULED');
    });
  });

  it('while a secret is rotated, each delivery verifies with either secret', async () => {
    const rotated = await t.http
      .post(`/v1/webhook-endpoints/${endpointId}/rotate-secret`)
      .set(center.auth)
      .expect(200);
    await interviewHoursAgo(3);
    const [request] = await received(1);
    expect(() => new Webhook(secret).verify(request.body, request.headers)).not.toThrow();
    expect(() => new Webhook(rotated.body.secret).verify(request.body, request.headers)).not.toThrow();
  });

  it('sends one escalation digest per advisor and local day, listing students whose gaps became OVERDUE', async () => {
    const endpoint = await t.http
      .post('/v1/webhook-endpoints')
      .set(center.auth)
      .send({ url, eventTypes: ['followup.escalation'] })
      .expect(201);
    await t.http
      .put('/v1/advisors/adv-1')
      .set(center.auth)
      .send({ ...advisorBody, timezone: middayZone() })
      .expect(200);
    await interviewHoursAgo(72); // thank-you overdue since a day
    const escalations = () => receiver.received.filter((r) => r.body.includes('"followup.escalation"'));
    await Promise.all([1, 2, 3].map(() => t.app.get(EscalationService).run())); // as several workers would
    const [digest] = await eventually(
      async () => Promise.resolve(escalations().length ? escalations() : undefined),
      20000,
      'the digest',
    );
    const event = new Webhook(endpoint.body.secret).verify(digest.body, digest.headers) as {
      data: Record<string, unknown>;
    };
    expect(event.data).toMatchObject({
      center: { id: center.id },
      advisor: { externalId: 'adv-1', name: advisorBody.name },
      students: [
        {
          externalId: 'stu-1',
          gaps: [
            {
              purpose: 'THANK_YOU',
              urgency: 'OVERDUE',
              interaction: { externalId: 'int-1' },
              company: { name: '株式会社サンプル商事' },
            },
          ],
        },
      ],
    });
    await t.app.get(EscalationService).run();
    // Exactly one digest was decided and one delivery created, however often the check ran.
    const db = t.app.get(DataSource);
    const digests = await db.query(`SELECT students FROM escalation_digests WHERE center_id = $1`, [
      center.id,
    ]);
    expect(digests).toEqual([{ students: 1 }]);
    const deliveries = await db.query(
      `SELECT count(*)::int AS n FROM webhook_deliveries WHERE center_id = $1 AND event_type = 'followup.escalation'`,
      [center.id],
    );
    expect(deliveries[0].n).toBe(1);
    expect(escalations()).toHaveLength(1);
  });

  it('with the SSRF guard on, the connection to a loopback address is refused at connect time', async () => {
    for (const target of [
      url,
      url.replace('127.0.0.1', 'localhost'),
      'http://[::ffff:127.0.0.1]:9/x',
      'http://169.254.169.254/x',
      'http://10.0.0.1/x',
    ]) {
      const result = await postWebhook(target, {}, '{}', agentFor(target, false));
      expect(result.statusCode).toBeNull();
      expect(result.error).toMatch(/not allowed/);
    }
    const allowed = await postWebhook(url, {}, '{}', agentFor(url, true));
    expect(allowed.statusCode).toBe(200);
  });
});
