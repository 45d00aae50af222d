import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DELIVERY_JOBS, QUEUES } from '../src/jobs/queue-names.js';
import { DispatchService } from '../src/reminders/dispatch.service.js';
import { SweepService } from '../src/reminders/sweep.service.js';
import { advisorBody, companyBody, contactBody, studentBody } from './helpers/fixtures.js';
import { freshDatabase } from './helpers/fresh-database.js';
import { createCenter, eventually, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';
import { middayZone, WebhookReceiver } from './helpers/webhook-receiver.js';

/**
 * How dispatch and delivery recover from the awkward moments: a kept failed job, a claim that ran out, a late
 * result, a trigger arriving as a drain ends, a row locked by a long transaction, a replan that cannot succeed.
 * Set up like webhook-dispatch.e2e-spec.ts: its own database and queue namespace, a real receiver on loopback.
 * Reminders are planned an hour ahead and made due by hand, so no delayed job fires on its own during a test.
 */
describe('dispatch and delivery recovery', () => {
  const receiver = new WebhookReceiver();
  let url: string;
  let t: TestApp;
  let db: DataSource;
  let center: TestCenter;
  let database: { url: string; drop: () => Promise<void> };

  beforeAll(async () => {
    url = await receiver.start();
    database = await freshDatabase(true);
    t = await startTestApp({
      databaseUrl: database.url,
      queueNamespace: `cfu_test_${randomBytes(4).toString('hex')}`,
      env: {
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        WEBHOOK_RETRY_SCALE: '0.001',
        SWEEP_INTERVAL_SECONDS: '3600',
      },
    });
    db = t.app.get(DataSource);
  });
  beforeEach(async () => {
    receiver.received.length = 0;
    receiver.script = [];
    receiver.hold = null;
    center = await createCenter(t);
    await t.http
      .post('/v1/webhook-endpoints')
      .set(center.auth)
      .send({ url, eventTypes: ['followup.reminder'] })
      .expect(201);
    await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
    await t.http
      .put('/v1/companies/cmp-1/contacts/ct-1')
      .set(center.auth)
      .send({ ...contactBody, name: '山田', title: '人事部' })
      .expect(201);
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
    await database.drop();
  });

  /** A student with an interview `hours` ago; returns the id of its first reminder. */
  const studentInterviewed = async (student: string, hours: number): Promise<string> => {
    await t.http
      .put(`/v1/students/${student}`)
      .set(center.auth)
      .send({ ...studentBody(), timezone: middayZone() })
      .expect(201);
    await t.http
      .put(`/v1/interactions/int-${student}`)
      .set(center.auth)
      .send({
        studentExternalId: student,
        companyExternalId: 'cmp-1',
        kind: 'INTERVIEW',
        occurredAt: new Date(Date.now() - hours * 3600_000).toISOString(),
        contactExternalIds: ['ct-1'],
      })
      .expect(201);
    const [reminder] = await db.query<{ id: string }[]>(
      `SELECT r.id FROM reminders r JOIN students s ON s.id = r.student_id
       WHERE r.center_id = $1 AND s.external_id = $2 ORDER BY r.scheduled_at LIMIT 1`,
      [center.id, student],
    );
    return reminder.id;
  };
  /** Planned an hour ahead (its job fires then), due now: only the test's own triggers dispatch it. */
  const plannedThenDue = async (student: string): Promise<string> => {
    const id = await studentInterviewed(student, 1);
    await db.query(`UPDATE reminders SET scheduled_at = now() - interval '1 second' WHERE id = $1`, [id]);
    return id;
  };
  const received = (count: number) =>
    eventually(
      () =>
        Promise.resolve(receiver.received.length >= count ? receiver.received.slice(0, count) : undefined),
      20000,
      `${count} webhook(s)`,
    );
  const reminderStatus = async (id: string) =>
    (await db.query<{ status: string }[]>(`SELECT status FROM reminders WHERE id = $1`, [id]))[0].status;
  const sent = (id: string) =>
    eventually(async () => ((await reminderStatus(id)) === 'SENT' ? true : undefined), 10000, 'SENT');
  const deliveryRow = async (reminderId: string) =>
    (
      await db.query<{ status: string; attempts: number; claimed_until: Date | null }[]>(
        `SELECT status, attempts, claimed_until FROM webhook_deliveries WHERE reminder_id = $1`,
        [reminderId],
      )
    )[0];

  it('a sweep sends a due delivery even when a failed job is kept under its attempt id', async () => {
    const reminder = await plannedThenDue('stu-1');
    await t.app.get(DispatchService).dispatchDue();
    await received(1);
    await sent(reminder);
    // As after a crash: the delivery due again and unclaimed, and a failed job kept under its attempt's id.
    const [delivery] = await db.query<{ id: string; attempts: number }[]>(
      `WITH due AS (
         UPDATE webhook_deliveries SET status = 'PENDING', finished_at = NULL, next_attempt_at = now(), claimed_until = NULL
         WHERE reminder_id = $1 RETURNING id, attempts
       ) SELECT * FROM due`,
      [reminder],
    );
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.deliveries));
    const jobId = `delivery-${delivery.id}-${delivery.attempts}`;
    // A payload the processor refuses: the job fails and is kept (removeOnFail).
    await queue.add(DELIVERY_JOBS.deliver, { deliveryId: 42 }, { jobId, removeOnFail: 1000 });
    await eventually(async () => ((await (await queue.getJob(jobId))?.isFailed()) ? true : undefined));

    await t.app.get(SweepService).sweep();
    await received(2);
    await eventually(async () => ((await deliveryRow(reminder)).status === 'SUCCEEDED' ? true : undefined));
  });
});
