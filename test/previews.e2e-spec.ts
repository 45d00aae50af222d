import { DataSource } from 'typeorm';
import { Webhook } from 'standardwebhooks';
import { advisorBody, companyBody, contactBody, studentBody } from './helpers/fixtures.js';
import { dispatchCenter, startDispatchTestApp } from './helpers/dispatch-test-app.js';
import { createCenter, eventually, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';
import { middayZone, WebhookReceiver } from './helpers/webhook-receiver.js';

interface PreviewBody {
  gaps: {
    purpose: string;
    sequence: number;
    state: string;
    opensAt: string;
    idealBy: string;
    overdueAt: string;
    urgency: string | null;
  }[];
  reminders: {
    at: string;
    status: string;
    items: { gapId: string | null; purpose: string; nudge: number; interactionExternalId: string }[];
    why: { items: { gapId: string | null }[] };
  }[];
  draft: { locale: string; purpose: string; subject: string; text: string };
}

/** The rows a center has: a preview must leave every count as it was. */
async function rowCounts(t: TestApp, center: TestCenter): Promise<Record<string, number>> {
  const [row] = await t.app.get(DataSource).query<Record<string, number>[]>(
    `SELECT (SELECT count(*)::int FROM interactions WHERE center_id = $1) AS interactions,
            (SELECT count(*)::int FROM gaps WHERE center_id = $1) AS gaps,
            (SELECT count(*)::int FROM reminders WHERE center_id = $1) AS reminders,
            (SELECT max(updated_at) FROM reminders WHERE center_id = $1)::text AS "remindersUpdated",
            (SELECT max(updated_at) FROM gaps WHERE center_id = $1)::text AS "gapsUpdated"`,
    [center.id],
  );
  return row;
}

/**
 * Gap ids are the database's once an interaction is stored: compared apart (see the gapId assertions). Items
 * a reminder coalesces are listed by gap id, which a not-yet-stored gap does not have, so their order is not
 * compared either.
 */
const byJson = <T>(items: T[]) =>
  [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const withoutGapIds = (reminders: PreviewBody['reminders']) =>
  reminders.map((r) => ({
    ...r,
    items: byJson(r.items.map(({ gapId: _gapId, ...item }) => item)),
    why: { ...r.why, items: byJson(r.why.items.map(({ gapId: _gapId, ...item }) => item)) },
  }));

/** A clock the test moves; the app reads it once per unit of work. */
const clock = { current: new Date('2026-11-26T05:00:00Z'), now: () => new Date(clock.current) }; // 14:00 in Tokyo
const hoursAgo = (h: number) => new Date(clock.current.getTime() - h * 3600_000).toISOString();

describe('POST /v1/interactions/preview (real database, injected clock)', () => {
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

  const body = (endedAt: string, extra: Record<string, unknown> = {}) => ({
    studentExternalId: 'stu-1',
    companyExternalId: 'cmp-1',
    kind: 'INTERVIEW',
    occurredAt: endedAt,
    contactExternalIds: ['ct-1'],
    notes: '海外研修制度について',
    ...extra,
  });
  const preview = (externalId: string, sent: Record<string, unknown>) =>
    t.http
      .post('/v1/interactions/preview')
      .set(center.auth)
      .send({ ...sent, externalId });
  const gaps = async (interaction: string) =>
    (
      (await t.http.get('/v1/students/stu-1/gaps').set(center.auth).expect(200)).body.items as {
        id: string;
        purpose: string;
        idealBy: string;
        overdueAt: string;
        urgency: string | null;
        state: string;
        interaction: { externalId: string };
      }[]
    ).filter((gap) => gap.interaction.externalId === interaction);
  const pending = async () =>
    (
      (await t.http.get('/v1/reminders').query({ studentExternalId: 'stu-1' }).set(center.auth).expect(200))
        .body.items as {
        status: string;
        scheduledAt: string;
        items: PreviewBody['reminders'][number]['items'];
        why: PreviewBody['reminders'][number]['why'];
      }[]
    )
      .filter((r) => r.status === 'SCHEDULED' || r.status === 'SUPPRESSED')
      .map((r) => ({ at: r.scheduledAt, status: r.status, items: r.items, why: r.why }));

  /** The stored gaps that have opened, as the preview shows them. */
  const asPreviewed = (previewed: PreviewBody) =>
    previewed.gaps
      .filter((gap) => gap.opensAt <= clock.current.toISOString())
      .map(({ purpose, idealBy, overdueAt, urgency, state }) => ({
        purpose,
        idealBy,
        overdueAt,
        urgency,
        state,
      }));

  it('a new interaction: its gaps, the reminder it coalesces into with the existing one, and its draft; the PUT after it stores exactly that', async () => {
    await t.http
      .put('/v1/interactions/int-1')
      .set(center.auth)
      .send(body(hoursAgo(3)))
      .expect(201);
    const before = await rowCounts(t, center);
    const remindersBefore = await pending();

    const previewed = (await preview('int-2', body(hoursAgo(2.5))).expect(200)).body as PreviewBody;
    expect(await rowCounts(t, center)).toEqual(before);
    expect(await pending()).toEqual(remindersBefore);
    await t.http.get('/v1/interactions/int-2').set(center.auth).expect(404);

    expect(previewed.gaps).toEqual([
      expect.objectContaining({ purpose: 'THANK_YOU', sequence: 1, state: 'OPEN', urgency: 'DUE' }),
      expect.objectContaining({ purpose: 'CHECK_IN', sequence: 1, state: 'OPEN', urgency: 'DUE' }),
    ]);
    // Both thank-yous are due now: one reminder with two items (coalesced), the new one's gap id not yet known.
    const [first] = previewed.reminders;
    expect(first).toMatchObject({ at: clock.current.toISOString(), status: 'SCHEDULED' });
    expect(first.items.map((i) => [i.interactionExternalId, i.purpose, i.gapId === null])).toEqual(
      expect.arrayContaining([
        ['int-1', 'THANK_YOU', false],
        ['int-2', 'THANK_YOU', true],
      ]),
    );
    expect(previewed.draft).toEqual({
      locale: 'ja',
      purpose: 'THANK_YOU',
      subject: expect.stringContaining('面接のお礼'),
      text: expect.stringContaining('株式会社サンプル商事'),
    });
    expect(previewed.draft.text).toContain('山田 一郎');

    await t.http
      .put('/v1/interactions/int-2')
      .set(center.auth)
      .send(body(hoursAgo(2.5)))
      .expect(201);
    expect(await gaps('int-2')).toEqual(asPreviewed(previewed).map((gap) => expect.objectContaining(gap)));
    const stored = await pending();
    expect(withoutGapIds(stored)).toEqual(withoutGapIds(previewed.reminders));
    // Gap ids the preview knew (the stored interaction's) are the stored ones.
    const storedIds = stored.flatMap((r) => r.items.map((i) => i.gapId));
    for (const id of previewed.reminders.flatMap((r) => r.items.map((i) => i.gapId)))
      if (id !== null) expect(storedIds).toContain(id);
  });

  it('a stored interaction changed: its gap ids known, and the stored plan equals the preview', async () => {
    await t.http
      .put('/v1/interactions/int-1')
      .set(center.auth)
      .send(body(hoursAgo(30)))
      .expect(201);
    const changed = body(hoursAgo(3), { outcome: 'PASSED' });
    const before = await rowCounts(t, center);
    const previewed = (await preview('int-1', changed).expect(200)).body as PreviewBody;
    expect(await rowCounts(t, center)).toEqual(before);
    expect(previewed.reminders.flatMap((r) => r.items.map((i) => i.gapId))).not.toContain(null);

    await t.http.put('/v1/interactions/int-1').set(center.auth).send(changed).expect(200);
    expect(await gaps('int-1')).toEqual(asPreviewed(previewed).map((gap) => expect.objectContaining(gap)));
    expect(await pending()).toEqual(previewed.reminders);
  });

  it("the check-in draft once it is the interaction's obligation (thank-you sent, promised date past)", async () => {
    const interview = body(hoursAgo(24 * 5), { resultExpectedBy: '2026-11-23' });
    await t.http.put('/v1/interactions/int-1').set(center.auth).send(interview).expect(201);
    await t.http
      .put('/v1/follow-ups/fu-1')
      .set(center.auth)
      .send({ interactionExternalId: 'int-1', channel: 'EMAIL', sentAt: hoursAgo(24 * 4) })
      .expect(201);
    const previewed = (await preview('int-1', { ...interview, notes: '選考状況' }).expect(200))
      .body as PreviewBody;
    expect(previewed.gaps.map((g) => [g.purpose, g.state])).toEqual([
      ['THANK_YOU', 'SATISFIED'],
      ['CHECK_IN', 'OPEN'],
      ['CHECK_IN', 'OPEN'], // the second check-in, a week after the first opens
    ]);
    expect(previewed.draft).toMatchObject({ locale: 'ja', purpose: 'CHECK_IN' });
    await t.http
      .put('/v1/interactions/int-1')
      .set(center.auth)
      .send({ ...interview, notes: '選考状況' })
      .expect(200);
    expect(await gaps('int-1')).toEqual(asPreviewed(previewed).map((gap) => expect.objectContaining(gap)));
    expect(await pending()).toEqual(previewed.reminders);
  });

  it('validated as the PUT: the same 400s and 422s, and nothing stored', async () => {
    const before = await rowCounts(t, center);
    for (const bad of [
      body(hoursAgo(3), { kind: 'LUNCH' }),
      body(hoursAgo(3), { occurredAt: '2026-11-26T10:00:00' }),
      body(hoursAgo(3), { endedAt: hoursAgo(4) }),
      body(hoursAgo(3), { unknownField: 1 }),
    ]) {
      const put = await t.http.put('/v1/interactions/int-9').set(center.auth).send(bad).expect(400);
      const previewed = await preview('int-9', bad).expect(400);
      expect(previewed.headers['content-type']).toContain('application/problem+json');
      expect(previewed.body.errors).toEqual(put.body.errors);
    }
    await preview('bad id!', body(hoursAgo(3))).expect(400);
    await t.http
      .post('/v1/interactions/preview')
      .set(center.auth)
      .send(body(hoursAgo(3)))
      .expect(400);
    for (const unknown of [
      body(hoursAgo(3), { studentExternalId: 'stu-404' }),
      body(hoursAgo(3), { companyExternalId: 'cmp-404' }),
      body(hoursAgo(3), { contactExternalIds: ['ct-404'] }),
    ]) {
      const put = await t.http.put('/v1/interactions/int-9').set(center.auth).send(unknown).expect(422);
      const previewed = await preview('int-9', unknown).expect(422);
      expect(previewed.body.errors).toEqual(put.body.errors);
    }
    expect(await rowCounts(t, center)).toEqual(before);
  });

  it('an Idempotency-Key works as for any POST', async () => {
    await t.http
      .put('/v1/interactions/int-1')
      .set(center.auth)
      .send(body(hoursAgo(3)))
      .expect(201);
    const send = () =>
      preview('int-2', body(hoursAgo(2)))
        .set('Idempotency-Key', 'preview-1')
        .expect(200);
    const first = await send();
    const second = await send();
    expect(second.body).toEqual(first.body);
  });
});

describe('POST /v1/interactions/preview: its draft is the delivered one', () => {
  const receiver = new WebhookReceiver();
  let t: TestApp;
  let secret: string;
  beforeAll(async () => {
    const url = await receiver.start();
    t = await startDispatchTestApp();
    const { center, endpoint } = await dispatchCenter(t, url);
    secret = endpoint.secret;
    await t.http
      .put('/v1/students/stu-1')
      .set(center.auth)
      .send({ ...studentBody(), timezone: middayZone() })
      .expect(201);
    centerOfDispatch = center;
  });
  let centerOfDispatch: TestCenter;
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  it('preview, then PUT: the webhook carries the previewed draft, reminder time and gap windows', async () => {
    const center = centerOfDispatch;
    const interaction = {
      studentExternalId: 'stu-1',
      companyExternalId: 'cmp-1',
      kind: 'INTERVIEW',
      occurredAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
      contactExternalIds: ['ct-1'],
      notes: '海外研修制度',
    };
    const previewed = (
      await t.http
        .post('/v1/interactions/preview')
        .set(center.auth)
        .send({ ...interaction, externalId: 'int-1' })
        .expect(200)
    ).body as PreviewBody;
    expect(receiver.received).toHaveLength(0);
    await t.http.put('/v1/interactions/int-1').set(center.auth).send(interaction).expect(201);
    const [request] = await eventually(
      () => Promise.resolve(receiver.received.length ? receiver.received : undefined),
      20000,
      'the reminder webhook',
    );
    const event = new Webhook(secret).verify(request.body, request.headers) as {
      data: { items: { purpose: string; idealBy: string; overdueAt: string; draft: unknown }[] };
    };
    const [item] = event.data.items;
    expect(item.draft).toEqual({ subject: previewed.draft.subject, text: previewed.draft.text });
    const thankYou = previewed.gaps.find((g) => g.purpose === 'THANK_YOU')!;
    expect([item.idealBy, item.overdueAt]).toEqual([thankYou.idealBy, thankYou.overdueAt]);
  });
});

describe('POST /v1/policies/{kind}/preview (real database, injected clock)', () => {
  let t: TestApp;
  let center: TestCenter;
  beforeAll(async () => {
    t = await startTestApp({ clock, isolated: true });
  });
  beforeEach(async () => {
    clock.current = new Date('2026-11-26T05:00:00Z');
    center = await createCenter(t);
    await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
    await t.http.put('/v1/companies/cmp-1/contacts/ct-1').set(center.auth).send(contactBody).expect(201);
    for (const [student, ended] of [
      ['stu-1', 1],
      ['stu-2', 20],
    ] as const) {
      await t.http.put(`/v1/students/${student}`).set(center.auth).send(studentBody()).expect(201);
      await t.http
        .put(`/v1/interactions/int-${student}`)
        .set(center.auth)
        .send({
          studentExternalId: student,
          companyExternalId: 'cmp-1',
          kind: 'INFO_SESSION',
          occurredAt: hoursAgo(ended),
          contactExternalIds: ['ct-1'],
        })
        .expect(201);
    }
  });
  afterAll(() => t.close());

  const proposed = { firstNudgeAfter: 'PT6H', idealWithin: 'PT48H', overdueAfter: 'PT96H' };

  it('counts, samples and current/proposed; the PUT after it stores the previewed windows and reminder times', async () => {
    const before = await rowCounts(t, center);
    const preview = (
      await t.http.post('/v1/policies/INFO_SESSION/preview').set(center.auth).send(proposed).expect(200)
    ).body as {
      current: unknown;
      proposed: unknown;
      studentsAffected: number;
      gaps: Record<string, number>;
      reminders: Record<string, number>;
      samples: {
        studentExternalId: string;
        interactionExternalId: string;
        purpose: string;
        before: { idealBy: string; overdueAt: string; nextReminderAt: string | null };
        after: { idealBy: string; overdueAt: string; nextReminderAt: string | null };
      }[];
    };
    expect(await rowCounts(t, center)).toEqual(before);
    expect((await t.http.get('/v1/policies').set(center.auth).expect(200)).body.recompute).toBeNull();
    expect(preview).toMatchObject({
      kind: 'INFO_SESSION',
      current: { firstNudgeAfter: 'PT3H', idealWithin: 'PT24H', overdueAfter: 'PT72H', checkIns: false },
      proposed: { ...proposed, checkIns: false },
      studentsAffected: 2,
      gaps: { earlier: 0, later: 2, unchanged: 0 },
    });
    expect(preview.samples.map((s) => s.studentExternalId).sort()).toEqual(['stu-1', 'stu-2']);
    // stu-1's first nudge moves from end + 3h to end + 6h; nothing is added or cancelled.
    expect(preview.reminders).toMatchObject({ moved: expect.any(Number), added: 0, cancelled: 0 });
    expect(preview.reminders.moved).toBeGreaterThan(0);

    await t.http.put('/v1/policies/INFO_SESSION').set(center.auth).send(proposed).expect(201);
    await eventually(async () =>
      (await t.http.get('/v1/policies').set(center.auth).expect(200)).body.recompute?.status === 'done'
        ? true
        : undefined,
    );
    for (const sample of preview.samples) {
      const [gap] = (
        await t.http.get(`/v1/students/${sample.studentExternalId}/gaps`).set(center.auth).expect(200)
      ).body.items;
      expect(gap).toMatchObject({
        purpose: sample.purpose,
        interaction: { externalId: sample.interactionExternalId },
        idealBy: sample.after.idealBy,
        overdueAt: sample.after.overdueAt,
        nextReminderAt: sample.after.nextReminderAt,
      });
    }
  });

  it('validated as the PUT (400s), stores nothing, and a kind without open gaps changes nothing', async () => {
    const before = await rowCounts(t, center);
    await t.http
      .post('/v1/policies/INFO_SESSION/preview')
      .set(center.auth)
      .send({ ...proposed, idealWithin: 'PT200H' })
      .expect(400);
    await t.http.post('/v1/policies/LUNCH/preview').set(center.auth).send(proposed).expect(400);
    await t.http
      .post('/v1/policies/INFO_SESSION/preview')
      .set(center.auth)
      .send({ ...proposed, firstNudgeAfter: 'soon' })
      .expect(400);
    const none = await t.http
      .post('/v1/policies/CAREER_FAIR/preview')
      .set(center.auth)
      .send(proposed)
      .expect(200);
    expect(none.body).toMatchObject({
      studentsAffected: 0,
      gaps: { earlier: 0, later: 0, unchanged: 0 },
      reminders: { added: 0, moved: 0, cancelled: 0, unchanged: 0 },
      samples: [],
    });
    expect(await rowCounts(t, center)).toEqual(before);
  });
});
