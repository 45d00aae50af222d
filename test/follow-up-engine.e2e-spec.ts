import { advisorBody, companyBody, contactBody, studentBody } from './helpers/fixtures.js';
import { createCenter, eventually, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/** A clock the test moves; the app reads it once per unit of work. */
const clock = { current: new Date('2026-11-26T05:00:00Z'), now: () => new Date(clock.current) }; // 14:00 in Tokyo
const hoursAgo = (h: number) => new Date(clock.current.getTime() - h * 3600_000).toISOString();

describe('follow-up engine through the REST API (real database, injected clock)', () => {
  let t: TestApp;
  let center: TestCenter;
  beforeAll(async () => {
    t = await startTestApp({ clock, isolated: true });
  });
  beforeEach(async () => {
    clock.current = new Date('2026-11-26T05:00:00Z');
    center = await createCenter(t);
    await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/students/stu-1').set(center.auth).send(studentBody()).expect(201);
    await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
    await t.http.put('/v1/companies/cmp-1/contacts/ct-1').set(center.auth).send(contactBody).expect(201);
  });
  afterAll(() => t.close());

  const interview = (id: string, endedAt: string, extra: Record<string, unknown> = {}) =>
    t.http
      .put(`/v1/interactions/${id}`)
      .set(center.auth)
      .send({
        studentExternalId: 'stu-1',
        companyExternalId: 'cmp-1',
        kind: 'INTERVIEW',
        occurredAt: endedAt,
        contactExternalIds: ['ct-1'],
        ...extra,
      });
  const gaps = async () =>
    (await t.http.get('/v1/students/stu-1/gaps').set(center.auth).expect(200)).body.items;
  const reminders = async (status?: string) =>
    (
      await t.http
        .get('/v1/reminders')
        .query({ studentExternalId: 'stu-1', ...(status ? { status } : {}) })
        .set(center.auth)
        .expect(200)
    ).body.items;

  it('an interview 3 hours ago: THANK_YOU gap DUE and a reminder now; a follow-up satisfies it and cancels the reminder', async () => {
    await interview('int-1', hoursAgo(3)).expect(201);
    const [gap] = await gaps();
    expect(gap).toMatchObject({
      purpose: 'THANK_YOU',
      state: 'OPEN',
      urgency: 'DUE',
      idealBy: new Date(Date.parse(hoursAgo(3)) + 24 * 3600_000).toISOString(),
      interaction: { externalId: 'int-1', kind: 'INTERVIEW' },
      remindersSent: 0,
      nextReminderAt: clock.current.toISOString(),
    });
    const [reminder] = await reminders('SCHEDULED');
    expect(reminder).toMatchObject({
      status: 'SCHEDULED',
      scheduledAt: clock.current.toISOString(),
      items: [{ gapId: gap.id, purpose: 'THANK_YOU', nudge: 1, interactionExternalId: 'int-1' }],
      why: {
        timezone: 'Asia/Tokyo',
        items: [expect.objectContaining({ rule: 'THANK_YOU first nudge: end + PT2H' })],
      },
    });

    await t.http
      .put('/v1/follow-ups/fu-1')
      .set(center.auth)
      .send({ interactionExternalId: 'int-1', channel: 'EMAIL', sentAt: hoursAgo(1) })
      .expect(201);
    expect((await gaps())[0]).toMatchObject({ state: 'SATISFIED', urgency: null, nextReminderAt: null });
    const [cancelled] = await reminders();
    expect(cancelled).toMatchObject({
      id: reminder.id,
      status: 'CANCELLED',
      cancelReason: 'its gaps were satisfied by a follow-up',
    });
  });

  it('an interview 3 days ago is OVERDUE', async () => {
    await interview('int-1', hoursAgo(72)).expect(201);
    expect((await gaps()).find((g: { purpose: string }) => g.purpose === 'THANK_YOU')).toMatchObject({
      state: 'OPEN',
      urgency: 'OVERDUE',
    });
  });

  it("changing the student's time zone moves the schedule", async () => {
    await interview('int-1', hoursAgo(0)).expect(201);
    const [before] = await reminders('SCHEDULED');
    expect(before.scheduledAt).toBe('2026-11-26T07:00:00.000Z'); // 16:00 in Tokyo
    await t.http
      .put('/v1/students/stu-1')
      .set(center.auth)
      .send({ ...studentBody(), timezone: 'America/New_York' })
      .expect(200);
    const [after] = await reminders('SCHEDULED');
    expect(after.scheduledAt).toBe('2026-11-26T13:00:00.000Z'); // 02:00 in New York moves to 08:00
    expect(after.why.quietHours).toMatchObject({ reason: 'next-morning' });
  });

  it('deleting the interaction closes its gap and cancels its reminder', async () => {
    await interview('int-1', hoursAgo(3)).expect(201);
    await t.http.delete('/v1/interactions/int-1').set(center.auth).expect(204);
    expect(await gaps()).toEqual([]);
    expect((await reminders())[0]).toMatchObject({
      status: 'CANCELLED',
      cancelReason: expect.stringMatching(/closed/),
    });
  });

  it('opting out records reminders as SUPPRESSED', async () => {
    await t.http
      .put('/v1/students/stu-1')
      .set(center.auth)
      .send({ ...studentBody(), notificationsEnabled: false })
      .expect(200);
    await interview('int-1', hoursAgo(3)).expect(201);
    expect((await reminders())[0]).toMatchObject({
      status: 'SUPPRESSED',
      why: { suppressed: expect.any(String) },
    });
    expect((await gaps())[0]).toMatchObject({ state: 'OPEN' });
  });

  it('changing a policy recomputes the center in the background and moves the gaps', async () => {
    await interview('int-1', hoursAgo(3)).expect(201);
    const windows = { firstNudgeAfter: 'PT6H', idealWithin: 'PT30H', overdueAfter: 'PT60H' };
    // SPEC 5.1's PUT: 201 when the center's own policy of that kind is created, 200 after; the stored policy.
    const response = await t.http.put('/v1/policies/INTERVIEW').set(center.auth).send(windows).expect(201);
    expect(response.body).toEqual({
      kind: 'INTERVIEW',
      ...windows,
      checkIns: true,
      isDefault: false,
      recompute: expect.objectContaining({ status: expect.stringMatching(/^(pending|running|done)$/) }),
    });
    await t.http.put('/v1/policies/INTERVIEW').set(center.auth).send(windows).expect(200);
    await eventually(
      async () => {
        const policies = await t.http.get('/v1/policies').set(center.auth).expect(200);
        return policies.body.recompute?.status === 'done' ? true : undefined;
      },
      20000,
      'the recompute to finish',
    );
    const [gap] = await gaps();
    expect(gap.idealBy).toBe(new Date(Date.parse(hoursAgo(3)) + 30 * 3600_000).toISOString());
    const [reminder] = await reminders('SCHEDULED');
    expect(reminder.scheduledAt).toBe(new Date(Date.parse(hoursAgo(3)) + 6 * 3600_000).toISOString());
  });

  it('moving an interaction to another student moves its gap', async () => {
    await t.http.put('/v1/students/stu-2').set(center.auth).send(studentBody()).expect(201);
    await interview('int-1', hoursAgo(3)).expect(201);
    const [gap] = await gaps();
    await interview('int-1', hoursAgo(3), { studentExternalId: 'stu-2' }).expect(200);
    expect(await gaps()).toEqual([]);
    const moved = await t.http.get('/v1/students/stu-2/gaps').set(center.auth).expect(200);
    expect(moved.body.items).toEqual([expect.objectContaining({ id: gap.id, state: 'OPEN' })]);
  });

  it('concurrent batches over the same students lose no gap and end consistent', async () => {
    const students = Array.from({ length: 8 }, (_, i) => ({ externalId: `s-${i}`, ...studentBody() }));
    await t.http.post('/v1/students/bulk').set(center.auth).send({ items: students }).expect(200);
    const batches = Array.from({ length: 4 }, (_, b) =>
      Array.from({ length: 16 }, (_, i) => ({
        externalId: `int-${b}-${i}`,
        studentExternalId: `s-${(i * (b + 1)) % 8}`,
        companyExternalId: 'cmp-1',
        kind: 'INFO_SESSION',
        occurredAt: hoursAgo(1 + i),
      })).reverse(),
    );
    const responses = await Promise.all(
      batches.map((items) => t.http.post('/v1/interactions/bulk').set(center.auth).send({ items })),
    );
    for (const response of responses)
      expect(response.body.results.every((r: { status: string }) => r.status === 'created')).toBe(true);
    let total = 0;
    for (const student of students) {
      const list = await t.http.get(`/v1/students/${student.externalId}/gaps`).set(center.auth).expect(200);
      total += list.body.items.filter((g: { state: string }) => g.state === 'OPEN').length;
    }
    expect(total).toBe(64);
  });

  it('answers a forged list cursor with 400, not a database error', async () => {
    const forged = (after: string) => Buffer.from(JSON.stringify({ after })).toString('base64url');
    for (const path of ['/v1/reminders', '/v1/webhook-deliveries']) {
      for (const cursor of [forged('garbage'), forged('2026-11-26T00:00:00Z|not-a-uuid'), forged('')]) {
        const response = await t.http.get(path).query({ cursor }).set(center.auth).expect(400);
        expect(response.body.errors).toEqual([
          { path: 'cursor', message: 'is not a cursor this API returned' },
        ]);
      }
    }
  });

  it('rejects bad policies with 400 and changes nothing', async () => {
    for (const body of [
      { firstNudgeAfter: 'PT24H', idealWithin: 'PT24H', overdueAfter: 'PT48H' },
      { firstNudgeAfter: 'PT2H', idealWithin: 'PT49H', overdueAfter: 'PT48H' },
      { firstNudgeAfter: '2 hours', idealWithin: 'PT24H', overdueAfter: 'PT48H' },
      { firstNudgeAfter: 'PT0S', idealWithin: 'PT24H', overdueAfter: 'PT48H' },
    ]) {
      await t.http.put('/v1/policies/INTERVIEW').set(center.auth).send(body).expect(400);
    }
    await t.http
      .put('/v1/policies/LUNCH')
      .set(center.auth)
      .send({ firstNudgeAfter: 'PT2H', idealWithin: 'PT24H', overdueAfter: 'PT48H' })
      .expect(400);
    const policies = await t.http.get('/v1/policies').set(center.auth).expect(200);
    expect(policies.body.items.every((p: { isDefault: boolean }) => p.isDefault)).toBe(true);
    expect(policies.body.items.find((p: { kind: string }) => p.kind === 'OTHER')).toMatchObject({
      firstNudgeAfter: null,
      checkIns: false,
    });
  });
});
