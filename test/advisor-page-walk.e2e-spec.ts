import pg from 'pg';
import { advisorBody, companyBody, studentBody } from './helpers/fixtures.js';
import { advisorToken, graphql } from './helpers/advisor-graphql.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/**
 * studentsMissingFollowUps read by walking open gaps in page order (issue 15): every filter, first page and
 * cursor pages, against a plain reference (GROUP BY over gaps joined to their students and interactions, not
 * the copies on the gap rows the walk reads); snapshot semantics when a student's earliest gap closes
 * between pages; and totalCount's bound.
 */
const START = new Date('2026-11-27T05:00:00Z');
const clock = { current: new Date(START), now: () => new Date(clock.current) };
const hoursAgo = (h: number) => new Date(clock.current.getTime() - h * 3600_000).toISOString();

const PAGE = `query($filter: MissingFollowUpsFilter, $first: Int, $after: String) {
  studentsMissingFollowUps(filter: $filter, first: $first, after: $after) {
    totalCount totalCountIsExact
    edges { node { student { externalId } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Filter {
  advisorExternalId?: string;
  urgency?: string[];
  kinds?: string[];
  graduationYear?: number;
}

/** The order SPEC 5.2 defines, computed the plain way: every matching open gap, grouped per student. */
const REFERENCE = `
SELECT s.external_id AS "externalId" FROM gaps g
JOIN students s ON s.id = g.student_id JOIN interactions i ON i.id = g.interaction_id
LEFT JOIN advisors a ON a.id = s.advisor_id
WHERE g.center_id = $1 AND g.state = 'OPEN' AND s.erased_at IS NULL AND g.opens_at <= $2
  AND ($3::text IS NULL OR a.external_id = $3) AND ($4::int IS NULL OR s.graduation_year = $4)
  AND ($5::text[] IS NULL OR i.kind = ANY($5))
  AND ($6::text[] IS NULL OR (CASE WHEN $2 >= g.overdue_at THEN 'OVERDUE' WHEN $2 >= g.ideal_by THEN 'LATE' ELSE 'DUE' END) = ANY($6))
GROUP BY s.id, s.external_id ORDER BY min(g.overdue_at), s.id`;

describe('studentsMissingFollowUps walks the page, not the center', () => {
  let t: TestApp;
  let center: TestCenter;
  let db: pg.Client;
  beforeAll(async () => {
    t = await startTestApp({ clock, role: 'api', isolated: true });
    db = new pg.Client({ connectionString: t.runtime.databaseUrl });
    await db.connect();
  });
  beforeEach(async () => {
    clock.current = new Date(START);
    center = await createCenter(t);
    for (const id of ['adv-1', 'adv-2'])
      await t.http.put(`/v1/advisors/${id}`).set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  const student = (id: string, advisorId = 'adv-1', graduationYear = 2027) =>
    t.http
      .put(`/v1/students/${id}`)
      .set(center.auth)
      .send({ ...studentBody(advisorId), graduationYear });
  const interaction = (id: string, studentId: string, endedAt: string, kind = 'INTERVIEW') =>
    t.http
      .put(`/v1/interactions/${id}`)
      .set(center.auth)
      .send({ studentExternalId: studentId, companyExternalId: 'cmp-1', kind, occurredAt: endedAt });
  const followUp = (id: string, interactionId: string) =>
    t.http
      .put(`/v1/follow-ups/${id}`)
      .set(center.auth)
      .send({ interactionExternalId: interactionId, channel: 'EMAIL', sentAt: hoursAgo(0) });

  const pageOf = async (token: string, variables: Record<string, unknown>) => {
    const response = await graphql(t, token, PAGE, variables);
    expect(response.errors).toBeUndefined();
    return response.data.studentsMissingFollowUps;
  };
  type Page = Awaited<ReturnType<typeof pageOf>>;
  const studentsIn = (page: Page) =>
    (page.edges as { node: { student: { externalId: string } } }[]).map((e) => e.node.student.externalId);
  /** Every page of `size` from the first, following endCursor; the first page's count with them. */
  const walk = async (token: string, filter: Filter, size: number, between?: () => Promise<void>) => {
    const first = await pageOf(token, { filter, first: size });
    const seen = studentsIn(first);
    await between?.();
    let page = first;
    while (page.pageInfo.hasNextPage) {
      page = await pageOf(token, { filter, first: size, after: page.pageInfo.endCursor });
      seen.push(...studentsIn(page));
    }
    return { seen, totalCount: first.totalCount, exact: first.totalCountIsExact };
  };
  const reference = async (filter: Filter) => {
    const { rows } = await db.query<{ externalId: string }>(REFERENCE, [
      center.id,
      clock.current,
      filter.advisorExternalId ?? null,
      filter.graduationYear ?? null,
      filter.kinds ?? null,
      filter.urgency ?? null,
    ]);
    return rows.map((r) => r.externalId);
  };

  /**
   * 12 students of two advisors and two graduation years, 1–3 interactions each, of three kinds, ended from
   * 2 to 70 hours ago: thank-you gaps DUE (< 24 h), LATE and OVERDUE (> 48 h for interviews), check-ins not
   * yet open.
   */
  const seedMixed = async () => {
    for (let n = 1; n <= 12; n++) {
      const id = `stu-${n}`;
      await student(id, n % 3 === 0 ? 'adv-2' : 'adv-1', n % 2 ? 2027 : 2028).expect(201);
      const kinds = ['INTERVIEW', 'INFO_SESSION', 'CAREER_FAIR'];
      for (let k = 0; k <= n % 3; k++)
        await interaction(
          `int-${n}-${k}`,
          id,
          hoursAgo(2 + ((n * 7 + k * 23) % 69)),
          kinds[(n + k) % 3],
        ).expect(201);
    }
  };

  it('lists, page by page, exactly the reference order for every filter and scope', async () => {
    await seedMixed();
    const director = center.apiKey;
    const adv1 = await advisorToken(t, { sub: 'adv-1', center: center.id, role: 'advisor' });
    const filters: Filter[] = [
      {},
      { urgency: ['OVERDUE'] },
      { urgency: ['LATE'] },
      { urgency: ['DUE', 'LATE'] },
      { kinds: ['INFO_SESSION'] },
      { kinds: ['INTERVIEW', 'CAREER_FAIR'] },
      { graduationYear: 2028 },
      { advisorExternalId: 'adv-2' },
      { advisorExternalId: 'adv-1', kinds: ['CAREER_FAIR'], urgency: ['DUE', 'OVERDUE'] },
      { graduationYear: 2027, kinds: ['INTERVIEW'] },
    ];
    for (const filter of filters) {
      const expected = await reference(filter);
      for (const size of [1, 3]) {
        const got = await walk(director, filter, size);
        expect({ filter, size, ...got }).toEqual({
          filter,
          size,
          seen: expected,
          totalCount: expected.length,
          exact: true,
        });
      }
      // An advisor sees the same order, cut to their caseload.
      const own = await reference({ ...filter, advisorExternalId: 'adv-1' });
      const mine = await walk(adv1, filter, 2);
      expect({ filter, seen: mine.seen }).toEqual({
        filter,
        seen: filter.advisorExternalId === 'adv-2' ? [] : own,
      });
    }
    expect((await reference({})).length).toBeGreaterThan(8); // the seed is not degenerate
  });

  it("keeps a student's place when its earliest gap closes between pages: no repeat, no skip", async () => {
    // Each student: one interaction ended h hours ago; stu-b and stu-d also have a recent one (a later gap).
    for (const [id, h] of [
      ['stu-a', 70],
      ['stu-b', 60],
      ['stu-c', 50],
      ['stu-d', 40],
      ['stu-e', 30],
    ] as const) {
      await student(id).expect(201);
      await interaction(`int-${id}`, id, hoursAgo(h)).expect(201);
    }
    await interaction('int-stu-b-late', 'stu-b', hoursAgo(3)).expect(201);
    await interaction('int-stu-d-late', 'stu-d', hoursAgo(2)).expect(201);
    const expected = ['stu-a', 'stu-b', 'stu-c', 'stu-d', 'stu-e'];
    expect(await reference({})).toEqual(expected);

    const director = center.apiKey;
    const { seen } = await walk(director, {}, 2, async () => {
      // stu-b was shown on page 1, stu-d not yet: both lose their earliest gap. Sorting by what is open now
      // would show stu-b again at the end and move stu-d behind stu-e.
      await followUp('fu-b', 'int-stu-b').expect(201);
      await followUp('fu-d', 'int-stu-d').expect(201);
    });
    expect(seen).toEqual(expected);
    // A new first page sorts them by the gaps open now.
    expect((await walk(director, {}, 2)).seen).toEqual(['stu-a', 'stu-c', 'stu-e', 'stu-b', 'stu-d']);
  });

  it('follows a student to a new advisor and graduation year, and an interaction to a new kind', async () => {
    await seedMixed();
    const adv2 = await advisorToken(t, { sub: 'adv-2', center: center.id, role: 'advisor' });
    await student('stu-1', 'adv-2', 2030).expect(200);
    await t.http
      .put('/v1/interactions/int-2-0')
      .set(center.auth)
      .send({
        studentExternalId: 'stu-2',
        companyExternalId: 'cmp-1',
        kind: 'NETWORKING',
        occurredAt: hoursAgo(16),
      })
      .expect(200);
    expect((await walk(adv2, {}, 5)).seen).toContain('stu-1');
    expect((await walk(adv2, {}, 5)).seen).toEqual(await reference({ advisorExternalId: 'adv-2' }));
    expect((await walk(center.apiKey, { graduationYear: 2030 }, 5)).seen).toEqual(['stu-1']);
    expect((await walk(center.apiKey, { kinds: ['NETWORKING'] }, 5)).seen).toEqual(
      await reference({ kinds: ['NETWORKING'] }),
    );
    expect(await reference({ kinds: ['NETWORKING'] })).toContain('stu-2');
  });

  it('counts exactly while the scope has at most 2,000 matching gaps, and says when it is a lower bound', async () => {
    const bulk = async (path: string, items: unknown[]) => {
      const response = await t.http.post(`/v1/${path}/bulk`).set(center.auth).send({ items }).expect(200);
      const results = (response.body as { results: { status: string }[] }).results;
      expect(results.every((i) => i.status === 'created')).toBe(true);
    };
    const ids = Array.from({ length: 1000 }, (_, i) => `stu-${i}`);
    await bulk(
      'students',
      ids.map((externalId) => ({ externalId, ...studentBody('adv-1') })),
    );
    // Two interviews each, 30–40 hours ago: two LATE thank-you gaps per student, 2,000 in all.
    for (const round of [0, 1])
      await bulk(
        'interactions',
        ids.map((externalId, i) => ({
          externalId: `int-${externalId}-${round}`,
          studentExternalId: externalId,
          companyExternalId: 'cmp-1',
          kind: 'INTERVIEW',
          occurredAt: hoursAgo(30 + i / 100 + round),
        })),
      );
    const exact = await pageOf(center.apiKey, { first: 5 });
    expect([exact.totalCount, exact.totalCountIsExact]).toEqual([1000, true]);
    await interaction('int-extra', 'stu-0', hoursAgo(29)).expect(201);
    const bounded = await pageOf(center.apiKey, { first: 5 });
    expect(bounded.totalCountIsExact).toBe(false);
    expect(bounded.totalCount).toBeLessThanOrEqual(1000);
    expect(bounded.totalCount).toBeGreaterThanOrEqual(5);
    // A later page and an advisor's filtered view of the same scope say the same.
    const later = await pageOf(center.apiKey, { first: 5, after: bounded.pageInfo.endCursor });
    expect(later.totalCountIsExact).toBe(false);
    const adv1 = await advisorToken(t, { sub: 'adv-1', center: center.id, role: 'advisor' });
    expect((await pageOf(adv1, { first: 5, filter: { urgency: ['LATE'] } })).totalCountIsExact).toBe(false);
    // A filter the scope has few gaps for is counted exactly again.
    const one = await pageOf(center.apiKey, { first: 5, filter: { urgency: ['DUE'] } });
    expect([one.totalCount, one.totalCountIsExact]).toEqual([0, true]);
  });
});
