import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { advisorBody, companyBody, contactBody, studentBody } from './helpers/fixtures.js';
import { createCenter, eventually, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/**
 * POST /v1/policies/{kind}/preview past POLICY_PREVIEW_SYNC_MAX_STUDENTS (set low here): 202 and a run the
 * client polls, computed by a real worker from a real queue, whose preview is the 200 body the same data gives.
 */

/** 14:00 in Tokyo; every app here reads this clock, so both paths plan at the same instant. */
const START = new Date('2026-11-26T05:00:00Z');
const clock = { current: new Date(START), now: () => new Date(clock.current) };
const hoursAgo = (h: number) => new Date(clock.current.getTime() - h * 3600_000).toISOString();
const proposed = { firstNudgeAfter: 'PT6H', idealWithin: 'PT48H', overdueAfter: 'PT96H' };

interface Run {
  id: string;
  kind: string;
  status: string;
  href: string;
  studentsDone: number;
  studentsTotal: number | null;
  expiresAt: string;
  preview: unknown;
}

/** Three students with INFO_SESSION gaps (ended 1, 20 and 40 hours ago) and one with an interview only. */
async function seed(t: TestApp, center: TestCenter): Promise<void> {
  await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
  await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
  await t.http.put('/v1/companies/cmp-1/contacts/ct-1').set(center.auth).send(contactBody).expect(201);
  for (const [student, ended, kind] of [
    ['stu-1', 1, 'INFO_SESSION'],
    ['stu-2', 20, 'INFO_SESSION'],
    ['stu-3', 40, 'INFO_SESSION'],
    ['stu-4', 2, 'INTERVIEW'],
  ] as const) {
    await t.http.put(`/v1/students/${student}`).set(center.auth).send(studentBody()).expect(201);
    await t.http
      .put(`/v1/interactions/int-${student}`)
      .set(center.auth)
      .send({
        studentExternalId: student,
        companyExternalId: 'cmp-1',
        kind,
        occurredAt: hoursAgo(ended),
        contactExternalIds: ['ct-1'],
      })
      .expect(201);
  }
}

/** What a preview must leave as it was: the center's gaps, reminders, policies and recompute. */
async function centerState(t: TestApp, center: TestCenter): Promise<Record<string, unknown>> {
  const [row] = await t.app.get(DataSource).query<Record<string, unknown>[]>(
    `SELECT (SELECT count(*)::int FROM gaps WHERE center_id = $1) AS gaps,
            (SELECT count(*)::int FROM reminders WHERE center_id = $1) AS reminders,
            (SELECT max(updated_at) FROM gaps WHERE center_id = $1)::text AS "gapsUpdated",
            (SELECT max(updated_at) FROM reminders WHERE center_id = $1)::text AS "remindersUpdated",
            (SELECT count(*)::int FROM center_policies WHERE center_id = $1) AS policies,
            (SELECT count(*)::int FROM policy_recomputes WHERE center_id = $1) AS recomputes`,
    [center.id],
  );
  return row;
}

const previewRuns = async (t: TestApp, center: TestCenter) =>
  Number(
    (
      await t.app
        .get(DataSource)
        .query<{ n: number }[]>(`SELECT count(*)::int AS n FROM policy_previews WHERE center_id = $1`, [
          center.id,
        ])
    )[0].n,
  );

describe('policy preview past the bound: 202, a run polled to its end, the same body as the 200', () => {
  /** Bound 2, with a worker: the run is computed by the follow-ups queue's real job. */
  let bounded: TestApp;
  /** The default bound, on the same database: what the 200 path answers for the same data. */
  let unbounded: TestApp;
  let center: TestCenter;
  beforeAll(async () => {
    bounded = await startTestApp({
      clock,
      isolated: true,
      env: { POLICY_PREVIEW_SYNC_MAX_STUDENTS: '2' },
    });
    unbounded = await startTestApp({
      clock,
      role: 'api',
      databaseUrl: bounded.runtime.databaseUrl,
      queueNamespace: bounded.runtime.queueNamespace,
    });
    center = await createCenter(bounded);
    await seed(bounded, center);
  });
  afterAll(async () => {
    await unbounded.close();
    await bounded.close();
  });

  it('answers 202 with Location, runs in the background, and its preview equals the 200 body; nothing else changes', async () => {
    const before = await centerState(bounded, center);
    const accepted = await bounded.http
      .post('/v1/policies/INFO_SESSION/preview')
      .set(center.auth)
      .send(proposed)
      .expect(202);
    const run = accepted.body as Run;
    expect(run.href).toMatch(/^\/v1\/policies\/INFO_SESSION\/previews\/[0-9a-f-]{36}$/);
    expect(accepted.headers.location).toBe(run.href);
    expect(run).toMatchObject({ kind: 'INFO_SESSION', preview: null });
    expect(['pending', 'running', 'done']).toContain(run.status);

    const done = await eventually(
      async () => {
        const polled = (await bounded.http.get(run.href).set(center.auth).expect(200)).body as Run;
        return polled.status === 'done' ? polled : undefined;
      },
      20_000,
      'the preview run to finish',
    );
    expect(done).toMatchObject({ id: run.id, studentsDone: 3, studentsTotal: 3 });

    const sync = await unbounded.http
      .post('/v1/policies/INFO_SESSION/preview')
      .set(center.auth)
      .send(proposed)
      .expect(200);
    // Byte for byte the 200's body: the same figures, samples and key order.
    expect(JSON.stringify(done.preview)).toBe(JSON.stringify(sync.body));
    expect(sync.body).toMatchObject({
      kind: 'INFO_SESSION',
      studentsAffected: 3,
      gaps: { earlier: 0, later: 3, unchanged: 0 },
    });
    expect((sync.body as { samples: unknown[] }).samples).toHaveLength(3);

    expect(await centerState(bounded, center)).toEqual(before);
  });
});

describe('policy preview runs: joining, limits, scope and expiry', () => {
  /** Bound 0 and no worker on its queue: every preview with students to plan stays a pending run. */
  let t: TestApp;
  let center: TestCenter;
  let other: TestCenter;
  beforeAll(async () => {
    t = await startTestApp({
      clock,
      isolated: true,
      role: 'api',
      env: { POLICY_PREVIEW_SYNC_MAX_STUDENTS: '0' },
    });
    // A namespace no worker reads: isolated gives the app its own already, and it runs no processors.
    expect(t.runtime.queueNamespace).toMatch(/^cfu_test_/);
    center = await createCenter(t);
    other = await createCenter(t);
    await seed(t, center);
  });
  afterAll(() => t.close());
  beforeEach(() => {
    clock.current = new Date(START);
  });

  const post = (body: object, kind = 'INFO_SESSION', who = center) =>
    t.http.post(`/v1/policies/${kind}/preview`).set(who.auth).send(body);

  it('validates as the PUT before starting anything, and answers 200 when no student has gaps of the kind', async () => {
    await post({ ...proposed, idealWithin: 'PT200H' }).expect(400);
    await post({ ...proposed, firstNudgeAfter: 'soon' }).expect(400);
    const none = await post(proposed, 'CAREER_FAIR').expect(200);
    expect(none.body).toMatchObject({ studentsAffected: 0, samples: [] });
    expect(await previewRuns(t, center)).toBe(0);
  });

  it('joins an identical unfinished run, starts at most 3 per center (then 429), and 404s what is not the caller’s', async () => {
    const first = (await post(proposed).expect(202)).body as Run;
    expect(first).toMatchObject({ status: 'pending', studentsDone: 0, studentsTotal: null, preview: null });
    // The same kind and policy (checkIns spelled out as its default): the same run.
    expect(((await post({ ...proposed, checkIns: false }).expect(202)).body as Run).id).toBe(first.id);
    const second = (await post({ ...proposed, overdueAfter: 'PT120H' }).expect(202)).body as Run;
    const third = (await post(proposed, 'INTERVIEW').expect(202)).body as Run;
    expect(new Set([first.id, second.id, third.id]).size).toBe(3);
    const busy = await post({ ...proposed, idealWithin: 'PT36H' }).expect(429);
    expect(busy.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(busy.headers['retry-after']).toBe('30');
    expect(await previewRuns(t, center)).toBe(3);
    // Another center is not limited by this one's runs.
    await seed(t, other);
    await post(proposed, 'INFO_SESSION', other).expect(202);

    expect((await t.http.get(first.href).set(center.auth).expect(200)).body).toMatchObject({
      id: first.id,
      status: 'pending',
    });
    for (const [path, who] of [
      [first.href, other],
      [`/v1/policies/INTERVIEW/previews/${first.id}`, center],
      [`/v1/policies/INFO_SESSION/previews/${randomUUID()}`, center],
      ['/v1/policies/INFO_SESSION/previews/not-a-uuid', center],
    ] as const) {
      const response = await t.http.get(path).set(who.auth).expect(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    await t.http.get(`/v1/policies/LUNCH/previews/${first.id}`).set(center.auth).expect(400);

    // An hour after it was requested an unfinished run is gone, and no longer counts against the limit.
    clock.current = new Date(new Date(first.expiresAt).getTime() + 1000);
    await t.http.get(first.href).set(center.auth).expect(404);
    await post({ ...proposed, idealWithin: 'PT36H' }).expect(202);
  });
});

describe('policy preview runs whose job was lost', () => {
  let worker: TestApp;
  beforeAll(async () => {
    // The real clock and a sweep every second: the resumer runs in the sweep.
    worker = await startTestApp({ role: 'worker', isolated: true, env: { SWEEP_INTERVAL_SECONDS: '1' } });
  });
  afterAll(() => worker.close());

  it('are resumed by the sweep and finish; expired ones are deleted', async () => {
    const db = worker.app.get(DataSource);
    const [center] = await db.query<{ id: string }[]>(
      `INSERT INTO centers (name, timezone) VALUES ('テスト大学', 'Asia/Tokyo') RETURNING id`,
    );
    const policy = JSON.stringify({ ...proposed, checkIns: false });
    // Requested two minutes ago with no job anywhere (a flushed Redis, a failed enqueue); and one expired.
    const [lost] = await db.query<{ id: string }[]>(
      `INSERT INTO policy_previews (center_id, kind, policy, requested_at, expires_at)
       VALUES ($1, 'INFO_SESSION', $2, now() - interval '2 minutes', now() + interval '1 hour') RETURNING id`,
      [center.id, policy],
    );
    const [expired] = await db.query<{ id: string }[]>(
      `INSERT INTO policy_previews (center_id, kind, policy, requested_at, expires_at)
       VALUES ($1, 'INFO_SESSION', $2, now() - interval '2 hours', now() - interval '1 hour') RETURNING id`,
      [center.id, policy],
    );
    const row = async (id: string) =>
      (
        await db.query<{ finished_at: Date | null; result: unknown }[]>(
          `SELECT finished_at, result FROM policy_previews WHERE id = $1`,
          [id],
        )
      )[0];
    // Only a job the sweep enqueued can finish it: nothing else knows of it.
    await eventually(async () => ((await row(lost.id))?.finished_at ? true : undefined), 15_000, 'the run');
    expect((await row(lost.id)).result).toMatchObject({ studentsAffected: 0, samples: [] });
    await eventually(
      async () => ((await row(expired.id)) ? undefined : true),
      15_000,
      'the expired run to go',
    );
  });
});
