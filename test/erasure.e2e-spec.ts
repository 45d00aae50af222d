import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { QUEUES } from '../src/jobs/queue-names.js';
import { DeliveryService, type ClaimedDelivery } from '../src/webhooks/delivery.service.js';
import { EscalationService } from '../src/reminders/escalation.service.js';
import { SweepService } from '../src/reminders/sweep.service.js';
import { advisorToken, graphql } from './helpers/advisor-graphql.js';
import { advisorBody } from './helpers/fixtures.js';
import { dispatchCenter, startDispatchTestApp } from './helpers/dispatch-test-app.js';
import { eventually, type TestApp, type TestCenter } from './helpers/test-app.js';
import { middayZone, WebhookReceiver } from './helpers/webhook-receiver.js';

/**
 * Issue 13, item 2: DELETE /v1/students/{externalId} leaves no copy of the student's personal data anywhere:
 * not in webhook delivery payloads (reminders and escalation digests), stored idempotent responses, job data,
 * or any other column of any table. Each test's student has values of its own, so a search of the whole
 * database (the app's own) finds only what this test left. A real receiver gets the webhooks.
 */
describe('erasure of a student', () => {
  const receiver = new WebhookReceiver();
  let url: string;
  let t: TestApp;
  let db: DataSource;
  let center: TestCenter;
  let release: () => void;
  /** Idempotency-Keys are the client's choice; these do not contain the student's values. */
  let keyTag: string;
  let student: {
    externalId: string;
    name: string;
    nameLatin: string;
    email: string;
    notes: string;
    interaction: string;
  };

  beforeAll(async () => {
    url = await receiver.start();
    t = await startDispatchTestApp();
    db = t.app.get(DataSource);
  });
  beforeEach(async () => {
    receiver.received.length = 0;
    receiver.script = [];
    receiver.hold = null;
    ({ center } = await dispatchCenter(t, url));
    const tag = randomBytes(6).toString('hex');
    keyTag = randomBytes(6).toString('hex');
    student = {
      externalId: `stu-${tag}`,
      name: `消去 太郎${tag}`,
      nameLatin: `Taro Shokyo ${tag}`,
      email: `erase.${tag}@student.example.ac.jp`,
      notes: `海外研修制度について質問した ${tag}`,
      interaction: `int-${tag}`,
    };
  });
  afterEach(() => release?.());
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  /** The student and an interview `hours` ago, both through bulk POSTs with Idempotency-Keys (stored responses). */
  const interviewed = async (hours: number) => {
    await t.http
      .post('/v1/students/bulk')
      .set(center.auth)
      .set('Idempotency-Key', `students-${keyTag}`)
      .send({
        items: [
          {
            externalId: student.externalId,
            name: student.name,
            nameLatin: student.nameLatin,
            email: student.email,
            locale: 'ja',
            timezone: middayZone(),
            advisorExternalId: 'adv-1',
          },
        ],
      })
      .expect(200);
    await t.http
      .post('/v1/interactions/bulk')
      .set(center.auth)
      .set('Idempotency-Key', `interactions-${keyTag}`)
      .send({
        items: [
          {
            externalId: student.interaction,
            studentExternalId: student.externalId,
            companyExternalId: 'cmp-1',
            kind: 'INTERVIEW',
            occurredAt: new Date(Date.now() - hours * 3600_000).toISOString(),
            contactExternalIds: ['ct-1'],
            notes: student.notes,
          },
        ],
      })
      .expect(200);
  };
  const reminderRequests = () => receiver.received.filter((r) => r.body.includes('"followup.reminder"'));
  const received = (count: number, requests = reminderRequests) =>
    eventually(
      () => Promise.resolve(requests().length >= count ? requests() : undefined),
      20000,
      `${count} webhook(s)`,
    );
  const deliveryOf = async (eventType: string) =>
    (
      await db.query<{ id: string; status: string; attempts: number; next_attempt_at: Date }[]>(
        `SELECT id, status, attempts, next_attempt_at FROM webhook_deliveries WHERE center_id = $1 AND event_type = $2`,
        [center.id, eventType],
      )
    )[0];
  const erase = () => t.http.delete(`/v1/students/${student.externalId}`).set(center.auth).expect(204);
  const personal = () => [
    student.externalId,
    student.name,
    student.nameLatin,
    student.email,
    student.notes,
    student.interaction,
  ];

  /** Every row of every table of the app's database, as text, that contains one of the student's values. */
  const copiesInDatabase = async () => {
    const tables = await db.query<{ schema: string; table: string }[]>(
      `SELECT table_schema AS schema, table_name AS table FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    const found: string[] = [];
    for (const { schema, table } of tables) {
      const rows = await db.query<{ row: string }[]>(
        `SELECT x::text AS row FROM "${schema}"."${table}" x WHERE x::text LIKE ANY($1::text[])`,
        [personal().map((value) => `%${value}%`)],
      );
      found.push(...rows.map((r) => `${schema}.${table}: ${r.row}`));
    }
    return found;
  };
  /** Every job the queues keep (data, results, errors), as JSON, that contains one of the student's values. */
  const copiesInQueues = async () => {
    const found: string[] = [];
    for (const name of Object.values(QUEUES)) {
      const queue = t.app.get<Queue>(getQueueToken(name), { strict: false });
      for (const job of await queue.getJobs()) {
        const text = JSON.stringify([job.data, job.returnvalue, job.failedReason, job.stacktrace]);
        if (personal().some((value) => text.includes(value))) found.push(`${name}: ${text}`);
      }
    }
    return found;
  };
  const expectErasedProblem = (response: {
    status: number;
    headers: Record<string, string>;
    body: unknown;
  }) => {
    expect(response.status).toBe(410);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: '/problems/erased', status: 410 });
  };

  it('leaves no copy of a student with a delivered reminder and digest; redelivery and replays answer 410 and send nothing', async () => {
    await t.http
      .post('/v1/webhook-endpoints')
      .set(center.auth)
      .send({ url, eventTypes: ['followup.escalation'] })
      .expect(201);
    await t.http
      .put('/v1/advisors/adv-1')
      .set(center.auth)
      .send({ ...advisorBody, timezone: middayZone() })
      .expect(200);
    await interviewed(72); // its thank-you is overdue: a reminder now, and the advisor's digest lists it
    const [delivered] = await received(1);
    expect(delivered.body).toContain(student.name); // the draft and the student's fields name them
    expect(delivered.body).toContain(student.email);
    await t.app.get(EscalationService).run();
    const escalations = () => receiver.received.filter((r) => r.body.includes('"followup.escalation"'));
    const [digest] = await received(1, escalations);
    expect(digest.body).toContain(student.email);
    await eventually(
      async () => ((await deliveryOf('followup.reminder'))?.status === 'SUCCEEDED' ? true : undefined),
      10000,
      'the reminder delivery to succeed',
    );
    await t.http.get(`/v1/students/${student.externalId}`).set(center.auth).expect(200); // an audit row
    expect((await copiesInDatabase()).length).toBeGreaterThan(0); // the search finds what is there

    await erase();

    const deliveries = await t.http.get('/v1/webhook-deliveries').set(center.auth).expect(200);
    expect(deliveries.body.items).toHaveLength(2);
    for (const item of deliveries.body.items as { id: string }[]) {
      const one = await t.http.get(`/v1/webhook-deliveries/${item.id}`).set(center.auth).expect(200);
      for (const value of personal()) expect(JSON.stringify(one.body)).not.toContain(value);
    }
    for (const value of personal()) expect(JSON.stringify(deliveries.body)).not.toContain(value);
    expect(await copiesInDatabase()).toEqual([]);
    expect(await copiesInQueues()).toEqual([]);

    const sentBefore = receiver.received.length;
    for (const eventType of ['followup.reminder', 'followup.escalation']) {
      const { id } = await deliveryOf(eventType);
      expectErasedProblem(
        await t.http.post(`/v1/webhook-deliveries/${id}/redeliver`).set(center.auth).send(),
      );
    }
    // Replaying a stored response that named the student: refused, not replayed, not run again.
    expectErasedProblem(
      await t.http
        .post('/v1/students/bulk')
        .set(center.auth)
        .set('Idempotency-Key', `students-${keyTag}`)
        .send({ items: [{ externalId: student.externalId }] }),
    );
    await t.http.get(`/v1/students/${student.externalId}`).set(center.auth).expect(404);
    await t.app.get(SweepService).sweep();
    await t.app.get(DeliveryService).attempt((await deliveryOf('followup.reminder')).id);
    expect(receiver.received).toHaveLength(sentBefore);
  });

  it('a delivery waiting for its retry is failed and never sent again', async () => {
    receiver.script = [500, 500, 500]; // after the third failure the next retry is ~1.8 s away
    await interviewed(3);
    await received(3);
    const retrying = await eventually(async () => {
      const row = await deliveryOf('followup.reminder');
      return row.status === 'PENDING' && row.attempts === 3 && row.next_attempt_at > new Date()
        ? row
        : undefined;
    });
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.deliveries), { strict: false });
    const retryJob = `delivery-${retrying.id}-3`;
    expect(await queue.getJob(retryJob)).toBeDefined();

    await erase();

    const delivery = await t.http.get(`/v1/webhook-deliveries/${retrying.id}`).set(center.auth).expect(200);
    expect(delivery.body).toMatchObject({ status: 'FAILED', lastError: 'not sent: the student was erased' });
    // The retry's job still fires through the queue, and finds nothing to send.
    await eventually(async () => ((await queue.getJob(retryJob)) ? undefined : true), 20000, 'the retry job');
    await t.app.get(SweepService).sweep();
    expect(reminderRequests()).toHaveLength(3);
    expect(await copiesInDatabase()).toEqual([]);
  });

  it('an attempt claimed before the erasure is not sent after it', async () => {
    receiver.hold = new Promise((resolve) => (release = resolve)); // the first attempt stays in flight
    await interviewed(3);
    await received(1);
    const [row] = await db.query<Omit<ClaimedDelivery, 'attempts' | 'claimed_until'>[]>(
      `SELECT d.id, d.endpoint_id, d.message_id, d.payload::text AS body, d.reminder_id,
              e.url, e.secret, e.previous_secret, e.previous_secret_expires_at, e.disabled_at
       FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.center_id = $1`,
      [center.id],
    );
    // A second attempt, claimed (its body, naming the student, in memory) before the erasure commits.
    await db.query(`UPDATE webhook_deliveries SET attempts = 2 WHERE id = $1`, [row.id]);
    const claimed = { ...row, attempts: 2, claimed_until: new Date(Date.now() + 60_000) };
    receiver.hold = null;

    await erase();

    await t.app.get(DeliveryService).deliver([claimed]);
    expect(reminderRequests()).toHaveLength(1);
    expect(await copiesInDatabase()).toEqual([]);
  });

  it("an advisor's dismissal reason naming the student goes too", async () => {
    await interviewed(3);
    await received(1);
    const advisor = await advisorToken(t, { sub: 'adv-1', center: center.id, role: 'advisor' });
    const gaps = await t.http.get(`/v1/students/${student.externalId}/gaps`).set(center.auth).expect(200);
    const dismissed = await graphql(
      t,
      advisor,
      `
        mutation ($id: ID!, $reason: String!) {
          dismissGap(id: $id, reason: $reason) {
            state
          }
        }
      `,
      {
        id: (gaps.body.items as { id: string }[])[0].id,
        reason: `${student.name}さんは内定辞退済み`,
      },
    );
    expect(dismissed.errors).toBeUndefined();
    const before = (await copiesInDatabase()).map((row) => row.split(':')[0]);
    expect(before).toContain('public.gaps');

    await erase();

    expect(await copiesInDatabase()).toEqual([]);
  });
});
