import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { DispatchService } from '../../src/reminders/dispatch.service.js';
import { startServiceModule, type ServiceModule } from '../helpers/service-module.js';
import {
  deliveriesOf,
  interviewedStudent,
  reminder,
  serviceCenter,
  type ReminderRow,
} from '../helpers/service-seed.js';
import { eventually } from '../helpers/test-app.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

const HOUR = 3600_000;

/**
 * DispatchService called directly, in a Nest module of the whole service with no HTTP server and no queue
 * worker running (test/helpers/service-module.ts): due reminders in the real PostgreSQL become deliveries to a
 * real receiver on loopback, once.
 */
describe('DispatchService (service level: real PostgreSQL, Redis and receiver, no HTTP)', () => {
  /** The real time shifted by `offsetMs`: signatures stay fresh, and a test can move on to when a reminder is due. */
  const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
  const receiver = new WebhookReceiver();
  let url: string;
  let m: ServiceModule;
  let dispatch: DispatchService;

  beforeAll(async () => {
    url = await receiver.start();
    m = await startServiceModule({ clock });
    dispatch = m.module.get(DispatchService);
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
  const sent = (id: string) =>
    eventually(
      async () => {
        const row = await reminder(m, id);
        return row.status === 'SENT' ? row : undefined;
      },
      15_000,
      `reminder ${id} to be SENT`,
    );

  it('claims a due reminder once and delivers it in one signed request; the reminder is SENT', async () => {
    const center = await serviceCenter(m, url);
    const due = await interviewedStudent(m, center.id, 'stu-1', ago(3 * HOUR));
    expect(due).toMatchObject({ status: 'SCHEDULED', dispatched_at: null });
    expect(due.scheduled_at.getTime()).toBeLessThanOrEqual(clock.now().getTime());

    expect(await dispatch.dispatchDue()).toBe(1);
    expect((await sent(due.id)).dispatched_at).not.toBeNull();

    const requests = requestsFor(due.id);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    const event = new Webhook(center.endpoint.secret).verify(request.body, request.headers);
    expect(event).toMatchObject({
      type: 'followup.reminder',
      data: {
        reminderId: due.id,
        center: { id: center.id },
        student: { externalId: 'stu-1', locale: 'ja' },
        items: [
          {
            purpose: 'THANK_YOU',
            interaction: { externalId: 'stu-1-int', kind: 'INTERVIEW' },
            contacts: [{ externalId: 'ct-1', name: '山田', title: '人事部' }],
          },
        ],
      },
    });
    // The signature is the endpoint's: another secret does not verify it.
    const another = `whsec_${randomBytes(24).toString('base64')}`;
    expect(() => new Webhook(another).verify(request.body, request.headers)).toThrow();

    const deliveries = await deliveriesOf(m, due.id);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      endpoint_id: center.endpoint.id,
      message_id: `msg_${due.id}`,
      status: 'SUCCEEDED',
      attempts: 1,
      last_status_code: 200,
      claimed_until: null,
    });
    expect(deliveries[0].logged.map((a) => a.status_code)).toEqual([200]);

    // Claimed once: dispatching again claims nothing and sends nothing more.
    expect(await dispatch.dispatchDue()).toBe(0);
    expect(requestsFor(due.id)).toHaveLength(1);
    expect(await deliveriesOf(m, due.id)).toHaveLength(1);
  });

  it('leaves a reminder alone until it is due, then claims it', async () => {
    const center = await serviceCenter(m, url);
    const later = await interviewedStudent(m, center.id, 'stu-2', ago(HOUR));
    const dueIn = later.scheduled_at.getTime() - Date.now();
    expect(dueIn).toBeGreaterThan(60_000);

    clock.offsetMs = dueIn - 1000; // a second before it
    expect(await dispatch.dispatchDue()).toBe(0);
    expect(await reminder(m, later.id)).toMatchObject({ status: 'SCHEDULED', dispatched_at: null });
    expect(await deliveriesOf(m, later.id)).toEqual([]);

    clock.offsetMs = dueIn + 1000; // a second after it
    expect(await dispatch.dispatchDue()).toBe(1);
    await sent(later.id);
    expect(requestsFor(later.id)).toHaveLength(1);
    expect(receiver.received).toHaveLength(1); // and nothing else was due
  });

  it('two dispatchers draining at once (two workers on one database) claim and deliver every due reminder once', async () => {
    const second = await startServiceModule({ clock, beside: m });
    try {
      const center = await serviceCenter(m, url);
      const due: ReminderRow[] = [];
      for (let i = 0; i < 20; i++)
        due.push(await interviewedStudent(m, center.id, `stu-c${i}`, ago(3 * HOUR)));

      const claimed = await Promise.all([
        dispatch.dispatchDue(),
        second.module.get(DispatchService).dispatchDue(),
      ]);
      expect(claimed[0] + claimed[1]).toBe(due.length);
      for (const r of due) await sent(r.id);

      for (const r of due) {
        expect(requestsFor(r.id)).toHaveLength(1);
        const deliveries = await deliveriesOf(m, r.id);
        expect(deliveries.map((d) => [d.status, d.attempts])).toEqual([['SUCCEEDED', 1]]);
      }
      expect(receiver.received).toHaveLength(due.length);
    } finally {
      await second.close();
    }
  });
});
