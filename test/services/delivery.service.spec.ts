import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { QUEUES } from '../../src/jobs/queue-names.js';
import { DispatchService } from '../../src/reminders/dispatch.service.js';
import { DeliveryService, RETRY_DELAYS_SECONDS } from '../../src/webhooks/delivery.service.js';
import { startServiceModule, type ServiceModule } from '../helpers/service-module.js';
import {
  deliveriesOf,
  endpoint,
  interviewedStudent,
  reminder,
  serviceCenter,
  type DeliveryRow,
} from '../helpers/service-seed.js';
import { eventually } from '../helpers/test-app.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

const HOUR = 3600_000;

/**
 * DeliveryService called directly (DispatchService hands it the first attempt; retries are its `attempt`, as
 * the deliveries job calls it), in a Nest module of the whole service with no HTTP server and no queue worker
 * running (test/helpers/service-module.ts), against the real PostgreSQL, Redis and a receiver on loopback
 * that answers what each test scripts.
 */
describe('DeliveryService (service level: real PostgreSQL, Redis and receiver, no HTTP)', () => {
  /** The real time shifted by `offsetMs`: signatures stay fresh, and a test can move on to a retry's time. */
  const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
  const receiver = new WebhookReceiver();
  let url: string;
  let m: ServiceModule;
  let dispatch: DispatchService;
  let delivery: DeliveryService;

  beforeAll(async () => {
    url = await receiver.start();
    m = await startServiceModule({ clock });
    dispatch = m.module.get(DispatchService);
    delivery = m.module.get(DeliveryService);
  });
  afterAll(async () => {
    await m?.close();
    await receiver.stop();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.script = [];
    clock.offsetMs = 0;
  });

  const ago = (ms: number) => new Date(clock.now().getTime() - ms);
  const requestsFor = (reminderId: string) =>
    receiver.received.filter((r) => r.headers['webhook-id'] === `msg_${reminderId}`);
  /** The reminder's one delivery, once `done` says its attempt is recorded. */
  const deliveryOf = (reminderId: string, done: (d: DeliveryRow) => boolean, what: string) =>
    eventually(
      async () => {
        const deliveries = await deliveriesOf(m, reminderId);
        expect(deliveries.length).toBeLessThanOrEqual(1);
        return deliveries[0] && done(deliveries[0]) ? deliveries[0] : undefined;
      },
      15_000,
      what,
    );
  /** The delayed jobs in Redis that will attempt the delivery again. */
  const retryJobs = async (deliveryId: string) =>
    (await m.module.get<Queue>(getQueueToken(QUEUES.deliveries)).getDelayed()).filter(
      (job) => (job.data as { deliveryId?: string }).deliveryId === deliveryId,
    );

  it('a 5xx answer is an attempt, retried on the schedule through a queue job; the retry sends the same message and succeeds', async () => {
    const center = await serviceCenter(m, url);
    const due = await interviewedStudent(m, center.id, 'stu-5xx', ago(3 * HOUR));
    receiver.script = [503];

    expect(await dispatch.dispatchDue()).toBe(1);
    const failed = await deliveryOf(due.id, (d) => d.last_status_code === 503, 'the 503 to be recorded');
    expect(failed).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      claimed_until: null,
      last_error: 'HTTP 503',
    });
    expect(failed.logged.map((a) => a.status_code)).toEqual([503]);
    expect(await reminder(m, due.id)).toMatchObject({ status: 'SCHEDULED' }); // not SENT, not FAILED
    expect((await endpoint(m, center.endpoint.id)).failing_since).not.toBeNull();

    // The first retry is RETRY_DELAYS_SECONDS[0] after the attempt (±10 % jitter), with a delayed job for it.
    const delayMs = failed.next_attempt_at.getTime() - Date.parse(failed.logged[0].attempted_at);
    expect(delayMs).toBeGreaterThanOrEqual(RETRY_DELAYS_SECONDS[0] * 900 - 1);
    expect(delayMs).toBeLessThanOrEqual(RETRY_DELAYS_SECONDS[0] * 1100 + 1);
    const jobs = await eventually(
      async () => {
        const found = await retryJobs(failed.id);
        return found.length ? found : undefined;
      },
      15_000,
      'the retry job',
    );
    expect(jobs).toHaveLength(1);
    expect(Math.abs(jobs[0].timestamp + jobs[0].delay - failed.next_attempt_at.getTime())).toBeLessThan(2000);

    // Before its time an attempt claims nothing and sends nothing.
    await delivery.attempt(failed.id);
    expect(requestsFor(due.id)).toHaveLength(1);
    expect((await deliveriesOf(m, due.id))[0].attempts).toBe(1);

    // At its time the attempt (what the job runs) sends the same message again, and the 200 settles it all.
    clock.offsetMs = failed.next_attempt_at.getTime() - Date.now() + 500;
    await delivery.attempt(failed.id);
    const done = await deliveryOf(due.id, (d) => d.status !== 'PENDING', 'the retry to be recorded');
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempts: 2, last_status_code: 200, last_error: null });
    expect(done.logged.map((a) => a.status_code)).toEqual([503, 200]);
    const requests = requestsFor(due.id);
    expect(requests).toHaveLength(2);
    expect(requests[1].body).toBe(requests[0].body); // byte for byte
    expect(new Webhook(center.endpoint.secret).verify(requests[1].body, requests[1].headers)).toMatchObject({
      data: { reminderId: due.id },
    });
    expect(await reminder(m, due.id)).toMatchObject({ status: 'SENT' });
    expect(await endpoint(m, center.endpoint.id)).toMatchObject({ failing_since: null, disabled_at: null });
  });

  it('an unreachable receiver is an attempt with its error, retried like a 5xx', async () => {
    const center = await serviceCenter(m, 'http://127.0.0.1:1/hooks'); // nothing listens on port 1
    const due = await interviewedStudent(m, center.id, 'stu-down', ago(3 * HOUR));

    expect(await dispatch.dispatchDue()).toBe(1);
    const failed = await deliveryOf(
      due.id,
      (d) => d.logged.length === 1 && d.claimed_until === null,
      'the attempt',
    );
    expect(failed).toMatchObject({ status: 'PENDING', attempts: 1, last_status_code: null });
    expect(failed.last_error).toEqual(expect.any(String));
    expect(failed.logged).toEqual([expect.objectContaining({ status_code: null, error: failed.last_error })]);
    expect(failed.next_attempt_at.getTime()).toBeGreaterThan(Date.parse(failed.logged[0].attempted_at));
    const jobs = await eventually(
      async () => {
        const found = await retryJobs(failed.id);
        return found.length ? found : undefined;
      },
      15_000,
      'the retry job',
    );
    expect(jobs).toHaveLength(1);
    expect(await reminder(m, due.id)).toMatchObject({ status: 'SCHEDULED' });
    expect((await endpoint(m, center.endpoint.id)).disabled_at).toBeNull();
  });

  it('a 410 answer disables the endpoint and fails the delivery and its reminder at once; nothing more goes to it', async () => {
    const center = await serviceCenter(m, url);
    const due = await interviewedStudent(m, center.id, 'stu-gone', ago(3 * HOUR));
    receiver.script = [410];

    expect(await dispatch.dispatchDue()).toBe(1);
    const failed = await deliveryOf(due.id, (d) => d.status !== 'PENDING', 'the 410 to be recorded');
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 1, last_status_code: 410 });
    expect(failed.logged.map((a) => a.status_code)).toEqual([410]);
    expect(await reminder(m, due.id)).toMatchObject({ status: 'FAILED' });
    const gone = await endpoint(m, center.endpoint.id);
    expect(gone.disabled_at).not.toBeNull();
    expect(gone.disabled_reason).toBe('the receiver answered 410 Gone');
    expect(await retryJobs(failed.id)).toEqual([]);

    // No retry: an attempt later finds nothing to claim.
    clock.offsetMs = HOUR;
    await delivery.attempt(failed.id);
    expect(requestsFor(due.id)).toHaveLength(1);
    expect((await deliveriesOf(m, due.id))[0]).toMatchObject({ status: 'FAILED', attempts: 1 });

    // The center's next due reminder has nowhere to go: it is not claimed, and nothing is sent.
    clock.offsetMs = 0;
    const next = await interviewedStudent(m, center.id, 'stu-gone-2', ago(3 * HOUR));
    expect(await dispatch.dispatchDue()).toBe(0);
    expect(await reminder(m, next.id)).toMatchObject({ status: 'SCHEDULED', dispatched_at: null });
    expect(receiver.received).toHaveLength(1);
  });
});
