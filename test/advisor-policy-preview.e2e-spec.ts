import { DataSource } from 'typeorm';
import { advisorToken, graphql } from './helpers/advisor-graphql.js';
import { advisorBody, companyBody, contactBody, studentBody } from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/**
 * GraphQL policyPreview(kind, policy): directors only, the REST preview's figures field for field, and past
 * POLICY_PREVIEW_SYNC_MAX_STUDENTS (2 here) PREVIEW_TOO_LARGE pointing at the REST preview's background run.
 */

const clock = { current: new Date('2026-11-26T05:00:00Z'), now: () => new Date(clock.current) };
const hoursAgo = (h: number) => new Date(clock.current.getTime() - h * 3600_000).toISOString();
const proposed = { firstNudgeAfter: 'PT6H', idealWithin: 'PT48H', overdueAfter: 'PT96H' };

const TIMES = 'idealBy overdueAt nextReminderAt';
const WINDOWS = 'firstNudgeAfter idealWithin overdueAfter checkIns';
const PREVIEW = `query($kind: InteractionKind!, $policy: PolicyInput!) {
  policyPreview(kind: $kind, policy: $policy) {
    kind current { ${WINDOWS} } proposed { ${WINDOWS} } studentsAffected
    gaps { earlier later unchanged } reminders { added moved cancelled unchanged }
    samples { studentExternalId interactionExternalId purpose before { ${TIMES} } after { ${TIMES} } }
  }
}`;

describe('GraphQL policyPreview (real database, injected clock)', () => {
  let t: TestApp;
  let center: TestCenter;
  let director: string;
  let advisor: string;
  beforeAll(async () => {
    t = await startTestApp({
      clock,
      isolated: true,
      role: 'api',
      env: { POLICY_PREVIEW_SYNC_MAX_STUDENTS: '2' },
    });
    center = await createCenter(t);
    await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/advisors/dir-1').set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
    await t.http.put('/v1/companies/cmp-1/contacts/ct-1').set(center.auth).send(contactBody).expect(201);
    for (const [student, ended] of [
      ['stu-1', 1],
      ['stu-2', 20],
    ] as const)
      await addStudent(student, ended);
    director = await advisorToken(t, { sub: 'dir-1', center: center.id, role: 'director' });
    advisor = await advisorToken(t, { sub: 'adv-1', center: center.id, role: 'advisor' });
  });
  afterAll(() => t.close());

  async function addStudent(student: string, endedHoursAgo: number): Promise<void> {
    await t.http.put(`/v1/students/${student}`).set(center.auth).send(studentBody()).expect(201);
    await t.http
      .put(`/v1/interactions/int-${student}`)
      .set(center.auth)
      .send({
        studentExternalId: student,
        companyExternalId: 'cmp-1',
        kind: 'INFO_SESSION',
        occurredAt: hoursAgo(endedHoursAgo),
        contactExternalIds: ['ct-1'],
      })
      .expect(201);
  }

  const rows = async () =>
    (
      await t.app.get(DataSource).query<Record<string, unknown>[]>(
        `SELECT (SELECT count(*)::int FROM gaps WHERE center_id = $1) AS gaps,
                (SELECT max(updated_at) FROM reminders WHERE center_id = $1)::text AS reminders,
                (SELECT count(*)::int FROM center_policies WHERE center_id = $1) AS policies,
                (SELECT count(*)::int FROM policy_previews WHERE center_id = $1) AS runs`,
        [center.id],
      )
    )[0];

  it('gives a director (JWT or API key) the figures the REST preview gives, field for field, storing nothing', async () => {
    const before = await rows();
    const rest = await t.http
      .post('/v1/policies/INFO_SESSION/preview')
      .set(center.auth)
      .send(proposed)
      .expect(200);
    for (const token of [director, center.apiKey]) {
      const response = await graphql(t, token, PREVIEW, { kind: 'INFO_SESSION', policy: proposed });
      expect(response.errors).toBeUndefined();
      expect(response.data.policyPreview).toEqual(rest.body);
    }
    expect(rest.body).toMatchObject({ studentsAffected: 2, gaps: { earlier: 0, later: 2, unchanged: 0 } });
    expect(await rows()).toEqual(before);
  });

  it('refuses an advisor with FORBIDDEN, and bad windows with BAD_USER_INPUT', async () => {
    const refused = await graphql(t, advisor, PREVIEW, { kind: 'INFO_SESSION', policy: proposed });
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(refused.errors?.[0].message).toBe('Only directors can preview policies.');

    for (const policy of [
      { ...proposed, idealWithin: 'PT200H' },
      { ...proposed, firstNudgeAfter: 'soon' },
    ]) {
      const bad = await graphql(t, director, PREVIEW, { kind: 'INFO_SESSION', policy });
      expect(bad.status).toBeLessThan(500);
      expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('past the bound: PREVIEW_TOO_LARGE naming the REST preview, which answers 202 for the same request', async () => {
    await addStudent('stu-3', 40);
    const response = await graphql(t, director, PREVIEW, { kind: 'INFO_SESSION', policy: proposed });
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.[0].extensions).toEqual({
      code: 'PREVIEW_TOO_LARGE',
      maxStudents: 2,
      restPreview: 'POST /v1/policies/INFO_SESSION/preview',
    });
    expect(response.errors?.[0].message).toMatch(/^More than 2 students have open INFO_SESSION gaps/);
    await t.http.post('/v1/policies/INFO_SESSION/preview').set(center.auth).send(proposed).expect(202);
  });
});
