import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { QUEUES } from '../src/jobs/queue-names.js';
import { advisorBody, companyBody, contactBody, studentBody } from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/**
 * What a preview leaves behind: nothing. Each app here has a database and queue namespace of its own
 * (`isolated`) and runs as `PROCESS_ROLE=api`: no worker takes jobs and no scheduler adds any, so a job a
 * request enqueued would stay counted, and every row of every table is the test's own.
 */

interface PreviewBody {
  gaps: { purpose: string; sequence: number; state: string; idealBy: string; overdueAt: string }[];
  reminders: {
    at: string;
    status: string;
    items: { gapId: string | null; purpose: string; nudge: number; interactionExternalId: string }[];
    why: {
      timezone: string;
      items: { gapId: string | null; nudge: number; rule: string; dueAt: string }[];
      quietHours: { from: string; to: string; reason: string } | null;
      spacing: { decision: string; detail: string };
    };
  }[];
  draft: { locale: string; purpose: string; subject: string; text: string };
}

interface PolicyPreviewBody {
  kind: string;
  current: Record<string, unknown>;
  proposed: Record<string, unknown>;
  studentsAffected: number;
  gaps: { earlier: number; later: number; unchanged: number };
  reminders: { added: number; moved: number; cancelled: number; unchanged: number };
  samples: {
    studentExternalId: string;
    interactionExternalId: string;
    purpose: string;
    before: { idealBy: string; overdueAt: string; nextReminderAt: string | null };
    after: { idealBy: string; overdueAt: string; nextReminderAt: string | null };
  }[];
}

/** Rows in every table of the app's own database (`schema.table` → count). */
async function tableCounts(t: TestApp): Promise<Record<string, number>> {
  const dataSource = t.app.get(DataSource);
  const tables = await dataSource.query<{ schema: string; name: string }[]>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
     ORDER BY 1, 2`,
  );
  expect(tables.map((table) => table.name)).toEqual(
    expect.arrayContaining(['interactions', 'gaps', 'reminders', 'audit_log', 'center_policies']),
  );
  const counts: Record<string, number> = {};
  for (const { schema, name } of tables) {
    const [row] = await dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${schema}"."${name}"`,
    );
    counts[`${schema}.${name}`] = row.n;
  }
  return counts;
}

/** Jobs of every queue of the service, in every state (`queue.state` → count). */
async function jobCounts(t: TestApp): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of Object.values(QUEUES)) {
    const queue = t.app.get<Queue>(getQueueToken(name), { strict: false });
    for (const [state, n] of Object.entries(await queue.getJobCounts())) counts[`${name}.${state}`] = n;
  }
  return counts;
}

/** The audit rows of a center, oldest first, as who read which student how. */
async function auditRows(t: TestApp, center: TestCenter) {
  return t.app.get(DataSource).query<{ actor: string; role: string; operation: string; student: string }[]>(
    `SELECT a.actor, a.role, a.operation, s.external_id AS student
     FROM audit_log a LEFT JOIN students s ON s.id = a.student_id WHERE a.center_id = $1 ORDER BY a.id`,
    [center.id],
  );
}

/** Everything a request could leave behind: rows, jobs, audit entries. */
async function snapshot(t: TestApp, center: TestCenter) {
  return { tables: await tableCounts(t), jobs: await jobCounts(t), audit: await auditRows(t, center) };
}

const AUDIT = 'public.audit_log';
const withoutAudit = ({ [AUDIT]: _audit, ...counts }: Record<string, number>) => counts;
const PROBLEM_FIELDS = ({ instance: _i, requestId: _r, ...problem }: Record<string, unknown>) => problem;

/** A clock the test sets; the app reads it once per unit of work. */
const clock = { current: new Date('2026-11-26T05:00:00Z'), now: () => new Date(clock.current) }; // 14:00 in Tokyo
const hoursAgo = (h: number) => new Date(clock.current.getTime() - h * 3600_000).toISOString();

describe('previews write nothing (own database and queues, PROCESS_ROLE=api, injected clock)', () => {
  let t: TestApp;
  let center: TestCenter;
  beforeAll(async () => {
    t = await startTestApp({ clock, isolated: true, role: 'api' });
  });
  beforeEach(async () => {
    clock.current = new Date('2026-11-26T05:00:00Z');
    center = await createCenter(t);
    await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
    for (const student of ['stu-1', 'stu-2'])
      await t.http.put(`/v1/students/${student}`).set(center.auth).send(studentBody()).expect(201);
    await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
    await t.http.put('/v1/companies/cmp-1/contacts/ct-1').set(center.auth).send(contactBody).expect(201);
    await t.http
      .put('/v1/interactions/int-1')
      .set(center.auth)
      .send(interaction('stu-1', hoursAgo(3)))
      .expect(201);
  });
  afterAll(() => t.close());

  const interaction = (student: string, endedAt: string, extra: Record<string, unknown> = {}) => ({
    studentExternalId: student,
    companyExternalId: 'cmp-1',
    kind: 'INTERVIEW',
    occurredAt: endedAt,
    contactExternalIds: ['ct-1'],
    notes: '海外研修制度について',
    ...extra,
  });
  const preview = (externalId: string, body: Record<string, unknown>) =>
    t.http
      .post('/v1/interactions/preview')
      .set(center.auth)
      .send({ ...body, externalId });

  it('an interaction preview adds no row but its audit read, and enqueues no job; the PUT it previews adds both', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['a new interaction', interaction('stu-1', hoursAgo(2.5)), 'stu-1'],
      ['a stored one changed', interaction('stu-1', hoursAgo(3), { outcome: 'PASSED' }), 'stu-1'],
      // Moving int-1 to stu-2: the answer shows stu-2's reminders, so it is stu-2's record that was read.
      ['a stored one moved to another student', interaction('stu-2', hoursAgo(3)), 'stu-2'],
    ];
    for (const [what, body, student] of cases) {
      const externalId = what === 'a new interaction' ? 'int-2' : 'int-1';
      const before = await snapshot(t, center);
      const answer = (await preview(externalId, body).expect(200)).body as PreviewBody;
      expect({ what, reminders: answer.reminders.length > 0 }).toEqual({ what, reminders: true });
      const after = await snapshot(t, center);
      expect({ what, tables: after.tables }).toEqual({
        what,
        tables: { ...before.tables, [AUDIT]: before.tables[AUDIT] + 1 },
      });
      expect({ what, jobs: after.jobs }).toEqual({ what, jobs: before.jobs });
      // The one row added is a read of the previewed student by the calling key, as GETs are recorded.
      expect({ what, added: after.audit.slice(before.audit.length) }).toEqual({
        what,
        added: [
          {
            actor: expect.stringMatching(/^api-key:/),
            role: 'portal',
            operation: 'rest:interactions.preview',
            student,
          },
        ],
      });
    }

    // The measure sees what a write does: the PUT of the previewed interaction adds rows and a dispatch job.
    const before = await snapshot(t, center);
    await t.http
      .put('/v1/interactions/int-2')
      .set(center.auth)
      .send(interaction('stu-1', hoursAgo(2.5)))
      .expect(201);
    const after = await snapshot(t, center);
    expect(after.tables['public.interactions']).toBe(before.tables['public.interactions'] + 1);
    expect(after.tables['public.gaps']).toBeGreaterThan(before.tables['public.gaps']);
    expect(after.jobs).not.toEqual(before.jobs);
    expect(after.audit).toEqual(before.audit); // a write is not a read
  });

  it('a policy preview adds no row (audit rows, if any, are reads) and enqueues no job; the PUT adds both', async () => {
    const proposed = { firstNudgeAfter: 'PT1H', idealWithin: 'PT12H', overdueAfter: 'PT36H' };
    const before = await snapshot(t, center);
    const answer = (
      await t.http.post('/v1/policies/INTERVIEW/preview').set(center.auth).send(proposed).expect(200)
    ).body as PolicyPreviewBody;
    expect(answer.studentsAffected).toBe(1);
    const after = await snapshot(t, center);
    expect(withoutAudit(after.tables)).toEqual(withoutAudit(before.tables));
    expect(after.jobs).toEqual(before.jobs);
    const added = after.audit.slice(before.audit.length);
    expect(added).toHaveLength(after.tables[AUDIT] - before.tables[AUDIT]);
    for (const row of added)
      expect(row).toEqual({
        actor: expect.stringMatching(/^api-key:/),
        role: 'portal',
        operation: expect.stringMatching(/^rest:/),
        student: expect.any(String),
      });
    expect((await t.http.get('/v1/policies').set(center.auth).expect(200)).body.recompute).toBeNull();

    // The measure sees what a write does: the PUT stores the policy and enqueues the center's recompute.
    await t.http.put('/v1/policies/INTERVIEW').set(center.auth).send(proposed).expect(201);
    const written = await snapshot(t, center);
    expect(written.tables['public.center_policies']).toBe(before.tables['public.center_policies'] + 1);
    expect(written.jobs).not.toEqual(after.jobs);
  });

  /**
   * Erasure frees a student's externalId (it is set to NULL with the name and e-mail), so the PUT cannot tell
   * an erased student from one that never existed: it answers 422 `studentExternalId: no student with this
   * externalId in this center`. The preview answers exactly that, and so reveals no more than the PUT.
   */
  it('an erased student and an unknown one: 422 exactly as the PUT, nothing written, nothing audited', async () => {
    await t.http.delete('/v1/students/stu-1').set(center.auth).expect(204);
    for (const [what, body] of [
      ['erased student, its stored interaction', interaction('stu-1', hoursAgo(3))],
      ['erased student, a new interaction', interaction('stu-1', hoursAgo(1))],
      ['unknown student', interaction('stu-404', hoursAgo(1))],
    ] as const) {
      const externalId = what.endsWith('stored interaction') ? 'int-1' : 'int-9';
      const before = await snapshot(t, center);
      const previewed = await preview(externalId, body);
      expect(await snapshot(t, center)).toEqual(before);
      const put = await t.http.put(`/v1/interactions/${externalId}`).set(center.auth).send(body);
      expect({ what, status: previewed.status, type: previewed.headers['content-type'] }).toEqual({
        what,
        status: 422,
        type: expect.stringContaining('application/problem+json'),
      });
      expect({ what, body: PROBLEM_FIELDS(previewed.body as Record<string, unknown>) }).toEqual({
        what,
        body: PROBLEM_FIELDS(put.body as Record<string, unknown>),
      });
      expect((previewed.body as { errors: unknown }).errors).toEqual([
        { path: 'studentExternalId', message: 'no student with this externalId in this center' },
      ]);
    }
  });
});

describe('an interaction preview in the student’s night (injected clock)', () => {
  let t: TestApp;
  let center: TestCenter;
  beforeAll(async () => {
    t = await startTestApp({ clock, isolated: true, role: 'api' });
  });
  afterAll(() => t.close());

  /**
   * The center is in Tokyo; the student in New York (EST, UTC-5, on 2026-11-25). The interview ended at 19:30
   * there (00:30Z), and it is 20:00 there now (01:00Z): the first nudge, end + PT2H, would be 21:30, inside
   * quiet hours (21:00–08:00 in the student's zone, DELIVERY_WINDOW); no deadline is near (overdue at end +
   * PT48H), so it moves to the next 08:00 there: 2026-11-26 08:00-05:00 = 13:00Z. In Tokyo 21:30 New York
   * time is 11:30, daytime: a plan in the center's zone would not move it.
   */
  it('shows the first nudge moved to the next morning there, and why', async () => {
    clock.current = new Date('2026-11-26T01:00:00Z');
    center = await createCenter(t);
    await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
    await t.http
      .put('/v1/students/stu-ny')
      .set(center.auth)
      .send({
        ...studentBody(),
        name: 'Alex Miller',
        email: 'alex.miller@student.example.edu',
        locale: 'en',
        timezone: 'America/New_York',
      })
      .expect(201);
    await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
    const body = {
      studentExternalId: 'stu-ny',
      companyExternalId: 'cmp-1',
      kind: 'INTERVIEW',
      occurredAt: '2026-11-25T18:30:00-05:00',
      endedAt: '2026-11-25T19:30:00-05:00',
    };
    const answer = (
      await t.http
        .post('/v1/interactions/preview')
        .set(center.auth)
        .send({ ...body, externalId: 'int-night' })
        .expect(200)
    ).body as PreviewBody;

    const [first] = answer.reminders;
    expect(first).toMatchObject({
      at: '2026-11-26T13:00:00.000Z',
      status: 'SCHEDULED',
      items: [{ gapId: null, purpose: 'THANK_YOU', nudge: 1, interactionExternalId: 'int-night' }],
    });
    expect(first.why).toMatchObject({
      timezone: 'America/New_York',
      items: [expect.objectContaining({ nudge: 1, dueAt: '2026-11-26T02:30:00.000Z' })],
      quietHours: {
        from: '2026-11-25T21:30:00.000-05:00',
        to: '2026-11-26T08:00:00.000-05:00',
        reason: 'next-morning',
      },
    });
    expect(first.why.items[0].rule).toContain('first nudge');
    expect(answer.draft).toMatchObject({ locale: 'en', purpose: 'THANK_YOU' });

    // Stored right after, the reminder is where the preview put it, for the same reason.
    await t.http.put('/v1/interactions/int-night').set(center.auth).send(body).expect(201);
    const stored = (
      await t.http.get('/v1/reminders').query({ studentExternalId: 'stu-ny' }).set(center.auth).expect(200)
    ).body as { items: { scheduledAt: string; why: PreviewBody['reminders'][number]['why'] }[] };
    expect(stored.items[0].scheduledAt).toBe(first.at);
    expect(stored.items[0].why.quietHours).toEqual(first.why.quietHours);
  });
});

describe('OpenAPI of POST /v1/interactions/preview (injected clock)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ clock, isolated: true, role: 'api' });
  });
  afterAll(() => t.close());

  type Examples = { examples?: Record<string, { value: Record<string, unknown> }> };
  type Operation = {
    requestBody: { content: Record<string, Examples> };
    responses: Record<string, { content: Record<string, Examples & { example?: Record<string, unknown> }> }>;
  };
  /** Stored gaps' ids are the database's: any uuid will do in an example. */
  const storedGapIds = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value).replace(/"gapId":"[0-9a-f-]{36}"/g, '"gapId":"<stored>"')) as unknown;

  it('has a request and a response example, and they are what the service answers', async () => {
    const spec = (await t.http.get('/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    const operation = spec.paths['/v1/interactions/preview'].post;
    const requests = Object.values(operation.requestBody.content['application/json'].examples ?? {});
    const responses = Object.values(operation.responses['200'].content['application/json'].examples ?? {});
    expect(requests).toHaveLength(1);
    expect(responses).toHaveLength(1);
    const unknownStudent = operation.responses['422'].content['application/problem+json'].example!;

    // The world of the examples: stu-2027-0001 (ja, Tokyo), whose information session ended 2026-11-25 at
    // 10:30 in Tokyo, at 12:30 in Tokyo the next day.
    clock.current = new Date('2026-11-26T03:30:00Z');
    const center = await createCenter(t);
    await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/students/stu-2027-0001').set(center.auth).send(studentBody()).expect(201);
    await t.http.put('/v1/companies/cmp-sample-shoji').set(center.auth).send(companyBody).expect(201);
    await t.http
      .put('/v1/companies/cmp-sample-shoji/contacts/ct-yamada')
      .set(center.auth)
      .send(contactBody)
      .expect(201);
    await t.http
      .put('/v1/companies/cmp-mirai')
      .set(center.auth)
      .send({ name: '未来テクノロジー株式会社', industry: '情報通信' })
      .expect(201);
    await t.http
      .put('/v1/interactions/int-0000')
      .set(center.auth)
      .send({
        studentExternalId: 'stu-2027-0001',
        companyExternalId: 'cmp-mirai',
        kind: 'INFO_SESSION',
        occurredAt: '2026-11-25T09:00:00+09:00',
        endedAt: '2026-11-25T10:30:00+09:00',
      })
      .expect(201);

    const answer = await t.http
      .post('/v1/interactions/preview')
      .set(center.auth)
      .send(requests[0].value)
      .expect(200);
    expect(storedGapIds(answer.body)).toEqual(storedGapIds(responses[0].value));

    const refused = await t.http
      .post('/v1/interactions/preview')
      .set(center.auth)
      .send({ ...requests[0].value, studentExternalId: 'stu-gone' })
      .expect(422);
    expect(PROBLEM_FIELDS(refused.body as Record<string, unknown>)).toEqual(PROBLEM_FIELDS(unknownStudent));
  });
});

describe('a policy preview counts what a hand-computed fixture says (injected clock)', () => {
  let t: TestApp;
  let center: TestCenter;
  beforeAll(async () => {
    t = await startTestApp({ clock, isolated: true, role: 'api' });
    clock.current = new Date('2026-11-26T05:00:00Z'); // N = 14:00 in Tokyo, inside the delivery window
    center = await createCenter(t);
    await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
    const meeting = async (student: string, kind: string, endedHoursAgo: number) => {
      await t.http.put(`/v1/students/${student}`).set(center.auth).send(studentBody()).expect(201);
      await t.http
        .put(`/v1/interactions/int-${student}`)
        .set(center.auth)
        .send({
          studentExternalId: student,
          companyExternalId: 'cmp-1',
          kind,
          occurredAt: hoursAgo(endedHoursAgo),
        })
        .expect(201);
    };
    await meeting('stu-a', 'INFO_SESSION', 0.5); // ended N - 30 min = 04:30Z
    await meeting('stu-b', 'INFO_SESSION', 5); // ended N - 5 h = 00:00Z
    await meeting('stu-c', 'INFO_SESSION', 26); // ended N - 26 h = 2026-11-25 03:00Z
    await meeting('stu-d', 'INTERVIEW', 1); // only an interview: no INFO_SESSION gap, not planned
    await meeting('stu-e', 'INFO_SESSION', 2); // thanked below: no OPEN gap, not planned
    await t.http
      .put('/v1/follow-ups/fu-e')
      .set(center.auth)
      .send({ interactionExternalId: 'int-stu-e', channel: 'EMAIL', sentAt: hoursAgo(1) })
      .expect(201);
  });
  afterAll(() => t.close());

  const previewOf = async (proposed: Record<string, string>) => {
    const before = await tableCounts(t);
    const answer = (
      await t.http.post('/v1/policies/INFO_SESSION/preview').set(center.auth).send(proposed).expect(200)
    ).body as PolicyPreviewBody;
    // Audit rows are reads, which a policy preview may record; every other table is as it was.
    expect(withoutAudit(await tableCounts(t))).toEqual(withoutAudit(before));
    expect(answer).toMatchObject({
      kind: 'INFO_SESSION',
      current: { firstNudgeAfter: 'PT3H', idealWithin: 'PT24H', overdueAfter: 'PT72H', checkIns: false },
      proposed: { ...proposed, checkIns: false },
    });
    return answer;
  };
  const studentsOf = (answer: PolicyPreviewBody) => answer.samples.map((s) => s.studentExternalId).sort();

  /*
   * The default INFO_SESSION rules: first nudge at end + PT3H, second at idealBy = end + PT24H, overdue at end +
   * PT72H. Nothing has been sent (no worker runs), so each open gap has one reminder: its next nudge, or, when
   * nudges are past, the latest past one now (caught up), at N. A reminder's id is its student, gap and nudge
   * number, so the same nudge at another time is "moved", and another nudge number is "added" with the old
   * one "cancelled". Planned students: a, b and c (d has no INFO_SESSION gap, e's is SATISFIED).
   *
   *            now (default)                 nudge 1     nudge 2 (idealBy)   reminder
   *   stu-a    end 04:30Z                    07:30Z      27th 04:30Z         #1 at 07:30Z
   *   stu-b    end 00:00Z                    03:00Z ✓    27th 00:00Z         #1 at N (caught up)
   *   stu-c    end 25th 03:00Z               25th 06:00Z ✓  26th 03:00Z ✓    #2 at N (caught up)
   */

  it('tightened (PT1H / PT4H / PT48H): 3 gaps earlier; reminders 1 added, 1 moved, 1 cancelled, 1 unchanged', async () => {
    /*
     *   stu-a  n1 05:30Z, n2 08:30Z      → #1 at 05:30Z           moved     gap earlier
     *   stu-b  n1 01:00Z ✓, n2 04:00Z ✓  → #2 at N (caught up)    added; #1 cancelled   gap earlier
     *   stu-c  n1 25th 04:00Z ✓, n2 25th 07:00Z ✓ → #2 at N       unchanged gap earlier
     * Affected: a, b (reminders), c (its gap moved) = 3.
     */
    const answer = await previewOf({ firstNudgeAfter: 'PT1H', idealWithin: 'PT4H', overdueAfter: 'PT48H' });
    expect(answer.studentsAffected).toBe(3);
    expect(answer.gaps).toEqual({ earlier: 3, later: 0, unchanged: 0 });
    expect(answer.reminders).toEqual({ added: 1, moved: 1, cancelled: 1, unchanged: 1 });
    expect(studentsOf(answer)).toEqual(['stu-a', 'stu-b', 'stu-c']);
    expect(answer.samples.find((s) => s.studentExternalId === 'stu-a')).toEqual({
      studentExternalId: 'stu-a',
      interactionExternalId: 'int-stu-a',
      purpose: 'THANK_YOU',
      before: {
        idealBy: '2026-11-27T04:30:00.000Z',
        overdueAt: '2026-11-29T04:30:00.000Z',
        nextReminderAt: '2026-11-26T07:30:00.000Z',
      },
      after: {
        idealBy: '2026-11-26T08:30:00.000Z',
        overdueAt: '2026-11-28T04:30:00.000Z',
        nextReminderAt: '2026-11-26T05:30:00.000Z',
      },
    });
  });

  it('relaxed (PT3H / PT48H / PT96H): 3 gaps later; reminders 1 added, 0 moved, 1 cancelled, 2 unchanged', async () => {
    /*
     *   stu-a  n1 07:30Z (same)                       → #1 at 07:30Z   unchanged   gap later
     *   stu-b  n1 03:00Z ✓, n2 28th 00:00Z            → #1 at N        unchanged   gap later
     *   stu-c  n1 25th 06:00Z ✓, n2 27th 03:00Z (not yet) → #1 at N    added; #2 cancelled   gap later
     * Affected: a, b (gaps moved), c = 3.
     */
    const answer = await previewOf({ firstNudgeAfter: 'PT3H', idealWithin: 'PT48H', overdueAfter: 'PT96H' });
    expect(answer.studentsAffected).toBe(3);
    expect(answer.gaps).toEqual({ earlier: 0, later: 3, unchanged: 0 });
    expect(answer.reminders).toEqual({ added: 1, moved: 0, cancelled: 1, unchanged: 2 });
    expect(studentsOf(answer)).toEqual(['stu-a', 'stu-b', 'stu-c']);
  });

  it('only the first nudge later (PT6H / PT24H / PT72H): 3 gaps unchanged; 2 reminders moved, 1 unchanged; 2 students', async () => {
    /*
     *   stu-a  n1 10:30Z (19:30 in Tokyo, inside the window)  → #1 at 10:30Z   moved
     *   stu-b  n1 06:00Z (not yet)                            → #1 at 06:00Z   moved (was N)
     *   stu-c  n1 25th 09:00Z ✓, n2 26th 03:00Z ✓             → #2 at N        unchanged
     * No idealBy or overdueAt moves: 3 unchanged gaps. Affected: a and b; c sees no difference.
     */
    const answer = await previewOf({ firstNudgeAfter: 'PT6H', idealWithin: 'PT24H', overdueAfter: 'PT72H' });
    expect(answer.studentsAffected).toBe(2);
    expect(answer.gaps).toEqual({ earlier: 0, later: 0, unchanged: 3 });
    expect(answer.reminders).toEqual({ added: 0, moved: 2, cancelled: 0, unchanged: 1 });
    expect(studentsOf(answer)).toEqual(['stu-a', 'stu-b']);
    expect(answer.samples.find((s) => s.studentExternalId === 'stu-b')?.after.nextReminderAt).toBe(
      '2026-11-26T06:00:00.000Z',
    );
  });
});
