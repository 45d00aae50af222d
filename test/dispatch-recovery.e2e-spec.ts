import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { DELIVERY_JOBS, QUEUES } from '../src/jobs/queue-names.js';
import { DeliveryService, type ClaimedDelivery } from '../src/webhooks/delivery.service.js';
import { DispatchService } from '../src/reminders/dispatch.service.js';
import { SweepService } from '../src/reminders/sweep.service.js';
import { studentBody } from './helpers/fixtures.js';
import { dispatchCenter, startDispatchTestApp } from './helpers/dispatch-test-app.js';
import { eventually, type TestApp, type TestCenter } from './helpers/test-app.js';
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
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
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
  const claimed = (id: string) =>
    db
      .query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM reminders WHERE id = $1 AND dispatched_at IS NOT NULL`,
        [id],
      )
      .then(([row]) => (row.n === 1 ? true : undefined));
  /** The reminder's deliveries as the dispatcher hands them to DeliveryService.deliver, for a chosen attempt. */
  const claimedDeliveries = async (reminderId: string, attempts: number, claimedForMs: number) => {
    const rows = await db.query<Omit<ClaimedDelivery, 'attempts' | 'claimed_until'>[]>(
      `SELECT d.id, d.endpoint_id, d.message_id, d.payload::text AS body, d.reminder_id,
              e.url, e.secret, e.previous_secret, e.previous_secret_expires_at, e.disabled_at
       FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.reminder_id = $1
       ORDER BY d.id`,
      [reminderId],
    );
    return rows.map((row) => ({ ...row, attempts, claimed_until: new Date(Date.now() + claimedForMs) }));
  };
  const claimedDelivery = async (reminderId: string, attempts: number, claimedForMs: number) =>
    (await claimedDeliveries(reminderId, attempts, claimedForMs))[0];
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

  it('does not send an attempt whose claim would run out mid-request; hands it back to the sweep', async () => {
    const reminder = await plannedThenDue('stu-1');
    await t.app.get(DispatchService).dispatchDue();
    await received(1);
    await sent(reminder);
    // Claimed for a second attempt, but it waited behind the limiter: 5 s are left, a request may take 15.
    await db.query(
      `UPDATE webhook_deliveries SET status = 'PENDING', finished_at = NULL, attempts = 2, claimed_until = now() + interval '5 seconds'
       WHERE reminder_id = $1`,
      [reminder],
    );
    await t.app.get(DeliveryService).deliver([await claimedDelivery(reminder, 2, 5000)]);
    expect(receiver.received).toHaveLength(1);
    expect(await deliveryRow(reminder)).toEqual({ status: 'PENDING', attempts: 1, claimed_until: null });
  });

  it('a late result of an older attempt does not overwrite the state of a newer one', async () => {
    const reminder = await plannedThenDue('stu-1');
    await t.app.get(DispatchService).dispatchDue();
    await received(1);
    await sent(reminder);
    // Attempt 1's claim ran out, attempt 2 was claimed and succeeded; then attempt 1's 410 comes back.
    await db.query(`UPDATE webhook_deliveries SET attempts = 2 WHERE reminder_id = $1`, [reminder]);
    const late = await claimedDelivery(reminder, 1, 60_000);
    receiver.script = [410];
    await t.app.get(DeliveryService).deliver([late]);
    expect((await deliveryRow(reminder)).status).toBe('SUCCEEDED');
    expect(await reminderStatus(reminder)).toBe('SENT');

    // Attempt 2 in flight (claimed); attempt 1's 500 comes back: attempt 2 keeps its claim.
    await db.query(`UPDATE webhook_endpoints SET disabled_at = NULL WHERE center_id = $1`, [center.id]);
    await db.query(
      `UPDATE webhook_deliveries SET status = 'PENDING', finished_at = NULL, claimed_until = now() + interval '1 minute'
       WHERE reminder_id = $1`,
      [reminder],
    );
    receiver.script = [500];
    await t.app.get(DeliveryService).deliver([late]);
    expect(await deliveryRow(reminder)).toEqual({
      status: 'PENDING',
      attempts: 2,
      claimed_until: expect.any(Date),
    });
  });

  it('a dispatch triggered while a drain only waits for its last sends is not lost', async () => {
    const dispatcher = t.app.get(DispatchService);
    const first = await plannedThenDue('stu-1');
    const second = await studentInterviewed('stu-2', 1);
    let answer!: () => void;
    receiver.hold = new Promise((resolve) => (answer = resolve));
    // Watch the claim passes (white box: the moment "only waits for its sends" is not visible otherwise).
    const passes: Promise<unknown>[] = [];
    const internals = dispatcher as unknown as { claim: (skipLocked: boolean) => Promise<unknown> };
    const claim = internals.claim;
    internals.claim = (skipLocked) => {
      const pass = claim.call(dispatcher, skipLocked);
      passes.push(pass);
      return pass;
    };
    const drains: Promise<number>[] = [];
    try {
      drains.push(dispatcher.dispatchDue());
      await received(1); // in flight: the receiver holds its answer
      await eventually(async () => (passes.length >= 2 ? Promise.all(passes).then(() => true) : undefined));
      await db.query(`UPDATE reminders SET scheduled_at = now() - interval '1 second' WHERE id = $1`, [
        second,
      ]);
      drains.push(dispatcher.dispatchDue());
      await eventually(() => claimed(second), 5000, 'the second reminder to be claimed');
    } finally {
      internals.claim = claim;
      answer();
      receiver.hold = null;
      await Promise.allSettled(drains);
    }
    await received(2);
    await sent(first);
    await sent(second);
  });

  it('a call joining a drain returns once the claims are over, without waiting for the sends', async () => {
    const dispatcher = t.app.get(DispatchService);
    await plannedThenDue('stu-1');
    const locked = await plannedThenDue('stu-2');
    let answer!: () => void;
    receiver.hold = new Promise((resolve) => (answer = resolve));
    const other = new pg.Client({ connectionString: t.runtime.databaseUrl });
    await other.connect();
    const drains: Promise<number>[] = [];
    try {
      // A transaction holds the second reminder, so the drain's blocking pass waits for it: a call now joins.
      await other.query('BEGIN');
      await other.query(`SELECT 1 FROM reminders WHERE id = $1 FOR UPDATE`, [locked]);
      drains.push(dispatcher.dispatchDue());
      await received(1);
      await eventually(async () => {
        const [row] = await db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return row.n > 0 ? true : undefined;
      });
      let joinedReturned = false;
      drains.push(dispatcher.dispatchDue().finally(() => (joinedReturned = true)));
      await other.query('ROLLBACK');
      // Both reminders went out and their answers are still held; the joined call is back nonetheless.
      await received(2);
      await eventually(
        () => Promise.resolve(joinedReturned || undefined),
        10000,
        'the joined call to return',
      );
    } finally {
      answer();
      receiver.hold = null;
      await other.end();
      await Promise.allSettled(drains);
    }
  });

  it('the blocking claim pass gives up on a row a long transaction holds and leaves it to a later pass', async () => {
    const dispatcher = t.app.get(DispatchService);
    const reminder = await plannedThenDue('stu-1');
    const other = new pg.Client({ connectionString: t.runtime.databaseUrl });
    await other.connect();
    let claimedMeanwhile: number | undefined;
    try {
      // As a replan rewriting the student's reminders would hold it.
      await other.query('BEGIN');
      await other.query(`UPDATE reminders SET updated_at = now() WHERE id = $1`, [reminder]);
      const drain = dispatcher.dispatchDue().then((n) => (claimedMeanwhile = n));
      await eventually(() => Promise.resolve(claimedMeanwhile), 10000, 'the dispatch to give up waiting');
      await drain;
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
    expect(claimedMeanwhile).toBe(0);
    expect(await dispatcher.dispatchDue()).toBe(1);
    await received(1);
    await sent(reminder);
  });

  it('a reminder with two endpoints is SENT when the two successes are recorded at the same time', async () => {
    await t.http
      .post('/v1/webhook-endpoints')
      .set(center.auth)
      .send({ url, eventTypes: ['followup.reminder'] })
      .expect(201);
    const reminder = await plannedThenDue('stu-1');
    await t.app.get(DispatchService).dispatchDue();
    await received(2);
    await sent(reminder);
    // Both deliveries at a second attempt in flight; the first's endpoint failing, so recording its success
    // also updates the endpoint's row, which the other client below holds.
    await db.query(
      `UPDATE webhook_deliveries SET status = 'PENDING', finished_at = NULL, attempts = 2,
         claimed_until = now() + interval '1 minute'
       WHERE reminder_id = $1`,
      [reminder],
    );
    const deliveries = await claimedDeliveries(reminder, 2, 60_000);
    await db.query(`UPDATE reminders SET status = 'SCHEDULED', sent_at = NULL WHERE id = $1`, [reminder]);
    await db.query(`UPDATE webhook_endpoints SET failing_since = now() WHERE id = $1`, [
      deliveries[0].endpoint_id,
    ]);
    const waitingOnLocks = async () =>
      (
        await db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        )
      )[0].n;
    const delivery = t.app.get(DeliveryService);
    const other = new pg.Client({ connectionString: t.runtime.databaseUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT 1 FROM webhook_endpoints WHERE id = $1 FOR UPDATE`, [
        deliveries[0].endpoint_id,
      ]);
      // The first success waits for the endpoint's row in the middle of its recording; the second is recorded
      // meanwhile (or, with the reminder locked by the first, waits for it).
      const first = delivery.deliver([deliveries[0]]);
      await eventually(
        async () => ((await waitingOnLocks()) >= 1 ? true : undefined),
        10000,
        'the first to wait',
      );
      let secondDone = false;
      const second = delivery.deliver([deliveries[1]]).then(() => (secondDone = true));
      await eventually(
        async () => (secondDone || (await waitingOnLocks()) >= 2 ? true : undefined),
        10000,
        'the second to be recorded or to wait',
      );
      await other.query('COMMIT');
      await Promise.all([first, second]);
    } finally {
      await other.end();
    }
    expect(await reminderStatus(reminder)).toBe('SENT');
  });

  const thankYouNudges = async (student: string) =>
    (
      await db.query<{ n: string }[]>(
        `SELECT ri.nudge || ':' || r.status AS n FROM reminders r JOIN reminder_items ri ON ri.reminder_id = r.id
           JOIN gaps g ON g.id = ri.gap_id JOIN students s ON s.id = r.student_id
         WHERE r.center_id = $1 AND s.external_id = $2 AND g.purpose = 'THANK_YOU' AND r.status <> 'CANCELLED'
         ORDER BY 1`,
        [center.id, student],
      )
    ).map((row) => row.n);

  it("once a first nudge failed for good, the sweep still plans the gap's second (FAILED is a spent nudge)", async () => {
    receiver.script = [410];
    const reminder = await plannedThenDue('stu-1');
    await t.app.get(DispatchService).dispatchDue();
    await received(1);
    await eventually(async () => ((await reminderStatus(reminder)) === 'FAILED' ? true : undefined));
    expect(await thankYouNudges('stu-1')).toEqual(['1:FAILED']);
    await t.app.get(SweepService).sweep();
    expect(await thankYouNudges('stu-1')).toEqual(['1:FAILED', '2:SCHEDULED']);
  });

  it('a student whose replan fails for good is skipped and logged; the others are replanned', async () => {
    const good = await plannedThenDue('stu-1');
    const bad = await plannedThenDue('stu-2');
    await t.app.get(DispatchService).dispatchDue();
    await received(2);
    await sent(good);
    await sent(bad);
    const [{ id: badStudent }] = await db.query<{ id: string }[]>(
      `SELECT id FROM students WHERE center_id = $1 AND external_id = 'stu-2'`,
      [center.id],
    );
    // A bad row, as it were: writing this student's next reminder fails every time (in this test's own
    // database). Its gaps are unchanged by the send, so a recompute no longer writes them.
    await db.query(`CREATE FUNCTION refuse_gap() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN RAISE EXCEPTION 'this student cannot be planned'; END $$`);
    await db.query(`CREATE TRIGGER refuse_gap BEFORE INSERT ON reminders FOR EACH ROW
      WHEN (NEW.student_id = '${badStudent}') EXECUTE FUNCTION refuse_gap()`);
    try {
      await t.app.get(SweepService).sweep();
    } finally {
      await db.query(`DROP TRIGGER refuse_gap ON reminders; DROP FUNCTION refuse_gap()`);
    }
    expect(await thankYouNudges('stu-1')).toEqual(['1:SENT', '2:SCHEDULED']);
    expect(await thankYouNudges('stu-2')).toEqual(['1:SENT']);
    const [marked] = await db.query<{ replanned: boolean }[]>(
      `SELECT replanned_at IS NOT NULL AS replanned FROM reminders WHERE id = $1`,
      [bad],
    );
    expect(marked.replanned).toBe(true); // skipped, so the next sweeps are not stalled by it
    expect(
      t.logs.some((line) => line.includes('replanning a student failed') && line.includes(badStudent)),
    ).toBe(true);
    await expect(t.app.get(SweepService).sweep()).resolves.toMatchObject({ replanned: 0 });
  });
});
