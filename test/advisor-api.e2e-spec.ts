import pg from 'pg';
import { advisorBody, companyBody, contactBody, studentBody } from './helpers/fixtures.js';
import { advisorToken, graphql } from './helpers/advisor-graphql.js';
import { createCenter, eventually, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/** 14:00 in Tokyo; the app reads this clock once per request, so urgency follows it. */
const START = new Date('2026-11-27T05:00:00Z');
const clock = { current: new Date(START), now: () => new Date(clock.current) };
const hoursAgo = (h: number) => new Date(clock.current.getTime() - h * 3600_000).toISOString();
const hoursAhead = (h: number) => new Date(clock.current.getTime() + h * 3600_000).toISOString();

const PAGE = `query($filter: MissingFollowUpsFilter, $first: Int, $after: String) {
  studentsMissingFollowUps(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { student { externalId } gaps { id purpose urgency overdueAt interaction { externalId kind } } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

describe('advisor GraphQL API (real database, injected clock)', () => {
  let t: TestApp;
  let center: TestCenter;
  let advisor: string;
  beforeAll(async () => {
    t = await startTestApp({ clock, role: 'api', isolated: true });
  });
  beforeEach(async () => {
    clock.current = new Date(START);
    center = await createCenter(t);
    for (const id of ['adv-1', 'adv-2'])
      await t.http.put(`/v1/advisors/${id}`).set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
    await t.http.put('/v1/companies/cmp-1/contacts/ct-1').set(center.auth).send(contactBody).expect(201);
    advisor = await advisorToken(t, { sub: 'adv-1', center: center.id, role: 'advisor' });
  });
  afterAll(() => t.close());

  const student = (id: string, advisorId = 'adv-1', extra: Record<string, unknown> = {}) =>
    t.http
      .put(`/v1/students/${id}`)
      .set(center.auth)
      .send({ ...studentBody(advisorId), ...extra });
  const interaction = (id: string, studentId: string, endedAt: string, kind = 'INTERVIEW') =>
    t.http
      .put(`/v1/interactions/${id}`)
      .set(center.auth)
      .send({
        studentExternalId: studentId,
        companyExternalId: 'cmp-1',
        kind,
        occurredAt: endedAt,
        contactExternalIds: ['ct-1'],
        notes: '事業内容について伺った',
      });
  const followUp = (id: string, interactionId: string, sentAt: string) =>
    t.http
      .put(`/v1/follow-ups/${id}`)
      .set(center.auth)
      .send({ interactionExternalId: interactionId, channel: 'EMAIL', sentAt });
  const restGaps = async (studentId: string) =>
    (await t.http.get(`/v1/students/${studentId}/gaps`).set(center.auth).expect(200)).body.items;
  const pageOf = async (token: string, variables: Record<string, unknown> = {}) => {
    const response = await graphql(t, token, PAGE, variables);
    expect(response.errors).toBeUndefined();
    return response.data.studentsMissingFollowUps;
  };
  const studentsIn = (page: { edges: { node: { student: { externalId: string } } }[] }) =>
    page.edges.map((e) => e.node.student.externalId);

  describe('authentication', () => {
    it('answers 401 UNAUTHENTICATED for a missing, expired, forged or unknown-advisor token', async () => {
      const tokens = [
        undefined,
        'not-a-token',
        await advisorToken(t, {
          sub: 'adv-1',
          center: center.id,
          role: 'advisor',
          exp: Math.floor(Date.now() / 1000) - 60,
        }),
        await advisorToken(t, { sub: 'adv-1', center: center.id, role: 'advisor' }, 'x'.repeat(48)),
        await advisorToken(t, { sub: 'adv-404', center: center.id, role: 'advisor' }),
        await advisorToken(t, { sub: 'adv-1', role: 'advisor' }),
        await advisorToken(t, { sub: 'adv-1', center: center.id, role: 'admin' }),
        `${center.apiKey}x`,
      ];
      for (const token of tokens) {
        const response = await graphql(t, token, '{ apiVersion }');
        expect(response.status).toBe(401);
        expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
        expect(response.data).toBeUndefined();
      }
    });

    it('refuses a token once it expires, though it was accepted (and remembered) before', async () => {
      const token = await advisorToken(t, {
        sub: 'adv-1',
        center: center.id,
        role: 'advisor',
        exp: Math.floor(Date.now() / 1000) + 2,
      });
      expect((await graphql(t, token, '{ apiVersion }')).status).toBe(200);
      await eventually(
        async () => ((await graphql(t, token, '{ apiVersion }')).status === 401 ? true : undefined),
        5000,
        'the token to expire',
      );
    });
  });

  describe('studentsMissingFollowUps', () => {
    it('orders by earliest overdueAt then student, and pages never skip or repeat while gaps are inserted', async () => {
      const endedHoursAgo = [3, 10, 20, 30, 40, 47, 60];
      for (const h of endedHoursAgo) {
        await student(`stu-${h}`).expect(201);
        await interaction(`int-${h}`, `stu-${h}`, hoursAgo(h)).expect(201);
      }
      const expected = [...endedHoursAgo].reverse().map((h) => `stu-${h}`); // ended earliest: overdue first

      const first = await pageOf(advisor, { first: 3 });
      expect(first.totalCount).toBe(7);
      expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
      expect(first.pageInfo.startCursor).toBe(first.edges[0].cursor);
      const seen = studentsIn(first);
      // Between page requests: a new student more urgent than anyone, an even earlier interaction for a
      // student not yet shown, and a follow-up that satisfies another unseen student's only gap.
      await student('stu-new').expect(201);
      await interaction('int-new', 'stu-new', hoursAgo(70)).expect(201);
      await interaction('int-3-early', 'stu-3', hoursAgo(65)).expect(201);
      await followUp('fu-20', 'int-20', hoursAgo(1)).expect(201);

      let after = first.pageInfo.endCursor;
      for (;;) {
        const page = await pageOf(advisor, { first: 3, after });
        expect(page.pageInfo.hasPreviousPage).toBe(true);
        expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
        seen.push(...studentsIn(page));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen).toEqual(expected);

      const fresh = await pageOf(advisor, { first: 3 });
      expect(studentsIn(fresh)).toEqual(['stu-new', 'stu-3', 'stu-60']);
      expect(fresh.totalCount).toBe(7); // stu-new joined, stu-20 thanked
    });

    it('computes urgency at request time from the injected clock', async () => {
      await student('stu-1').expect(201);
      await interaction('int-1', 'stu-1', hoursAgo(3)).expect(201);
      const urgency = async () => (await pageOf(advisor)).edges[0]?.node.gaps[0].urgency;
      const overdueOnly = async () =>
        (await pageOf(advisor, { filter: { urgency: ['OVERDUE'] } })).totalCount;
      expect(await urgency()).toBe('DUE');
      expect(await overdueOnly()).toBe(0);
      clock.current = new Date(Date.parse(hoursAhead(22))); // 25 h after the end: past idealBy (24 h)
      expect(await urgency()).toBe('LATE');
      clock.current = new Date(Date.parse(hoursAhead(24))); // 49 h: past overdueAt (48 h)
      expect(await urgency()).toBe('OVERDUE');
      expect(await overdueOnly()).toBe(1);
    });

    it('filters by kinds, graduation year and advisor', async () => {
      await student('stu-1', 'adv-1', { graduationYear: 2027 }).expect(201);
      await student('stu-2', 'adv-1', { graduationYear: 2028 }).expect(201);
      await student('stu-3', 'adv-2').expect(201);
      await interaction('int-1', 'stu-1', hoursAgo(5), 'INFO_SESSION').expect(201);
      await interaction('int-2', 'stu-2', hoursAgo(5)).expect(201);
      await interaction('int-3', 'stu-3', hoursAgo(5)).expect(201);
      const director = center.apiKey;
      expect(studentsIn(await pageOf(director, { filter: { kinds: ['INFO_SESSION'] } }))).toEqual(['stu-1']);
      expect(studentsIn(await pageOf(director, { filter: { graduationYear: 2028 } }))).toEqual(['stu-2']);
      expect(studentsIn(await pageOf(director, { filter: { advisorExternalId: 'adv-2' } }))).toEqual([
        'stu-3',
      ]);
      // An advisor naming another advisor's caseload gets nothing, not that caseload.
      expect((await pageOf(advisor, { filter: { advisorExternalId: 'adv-2' } })).totalCount).toBe(0);
      expect((await pageOf(advisor)).totalCount).toBe(2);
    });

    it('answers the default page when first is null or left out (`first: Int = 20`, as SPEC 5.2 declares it)', async () => {
      for (let n = 0; n < 21; n++) {
        await student(`stu-d${n}`).expect(201);
        await interaction(`int-d${n}`, `stu-d${n}`, hoursAgo(30 + n)).expect(201);
      }
      for (const variables of [{}, { first: null }]) {
        const page = await pageOf(advisor, variables);
        expect(page.totalCount).toBe(21);
        expect(page.edges).toHaveLength(20);
        expect(page.pageInfo.hasNextPage).toBe(true);
      }
      const literal = await graphql(
        t,
        advisor,
        '{ studentsMissingFollowUps(first: null) { edges { cursor } } }',
      );
      expect(literal.errors).toBeUndefined();
      expect(literal.data.studentsMissingFollowUps.edges).toHaveLength(20);
      // The audit log's page size works the same way: the three pages above wrote 60 rows, null shows 50.
      const log = await graphql(t, center.apiKey, '{ auditLog(first: null) { entries { id } } }');
      expect(log.errors).toBeUndefined();
      expect(log.data.auditLog.entries).toHaveLength(50);
    });

    it('rejects a page size over 100 and a forged cursor as BAD_USER_INPUT', async () => {
      const cursor = (parts: string[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
      const forged = cursor(['x', 'y', 'z', 'w']);
      // Well-shaped, but no such day: it must not reach a ::timestamptz cast.
      const impossible = cursor([
        '2026-02-30T00:00:00.000000Z',
        '2026-11-27T05:00:00.000Z',
        '2026-11-28T00:00:00.000000Z',
        '00000000-0000-4000-8000-000000000000',
      ]);
      for (const variables of [
        { first: 101 },
        { first: 0 },
        { after: forged },
        { after: impossible },
        { after: '%%%' },
      ]) {
        const response = await graphql(t, advisor, PAGE, variables);
        expect(response.status).toBe(200);
        expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      }
    });
  });

  it("lists a student's timeline newest first, and its open gaps most urgent first", async () => {
    await student('stu-1').expect(201);
    // Put out of order on purpose: neither insertion nor external id order is the expected one.
    for (const [id, h] of [
      ['int-b', 50],
      ['int-a', 10],
      ['int-d', 40],
      ['int-c', 30],
    ] as const)
      await interaction(id, 'stu-1', hoursAgo(h)).expect(201);
    await followUp('fu-a', 'int-b', hoursAgo(5)).expect(201);
    await followUp('fu-b', 'int-c', hoursAgo(20)).expect(201);
    const response = await graphql(
      t,
      advisor,
      `
        {
          student(externalId: "stu-1") {
            interactions {
              externalId
            }
            followUps {
              externalId
            }
            reminders {
              scheduledAt
            }
            gaps {
              overdueAt
            }
            resolvedGaps {
              resolvedAt
            }
          }
        }
      `,
    );
    expect(response.errors).toBeUndefined();
    const timeline = response.data.student;
    expect(timeline.interactions.map((i: { externalId: string }) => i.externalId)).toEqual([
      'int-a',
      'int-c',
      'int-d',
      'int-b',
    ]);
    expect(timeline.followUps.map((f: { externalId: string }) => f.externalId)).toEqual(['fu-a', 'fu-b']);
    const instants = (rows: Record<string, string>[], field: string) => rows.map((r) => Date.parse(r[field]));
    const descending = (values: number[]) => values.every((v, i) => i === 0 || values[i - 1] >= v);
    for (const [rows, field] of [
      [timeline.reminders, 'scheduledAt'],
      [timeline.resolvedGaps, 'resolvedAt'],
    ] as const) {
      expect(rows.length).toBeGreaterThan(1);
      expect(descending(instants(rows, field))).toBe(true);
    }
    expect(timeline.gaps.length).toBeGreaterThan(1);
    expect(descending(instants(timeline.gaps, 'overdueAt').reverse())).toBe(true);
  });

  describe('mutations', () => {
    const gapOf = async (studentId: string) => (await restGaps(studentId))[0];
    type ReminderRow = {
      status: string;
      scheduledAt: string;
      cancelReason: string | null;
      items: { purpose: string }[];
    };
    const reminders = async (studentId: string): Promise<ReminderRow[]> =>
      (await t.http.get('/v1/reminders').query({ studentExternalId: studentId }).set(center.auth).expect(200))
        .body.items;

    beforeEach(async () => {
      await student('stu-1').expect(201);
      await interaction('int-1', 'stu-1', hoursAgo(3)).expect(201);
    });

    it('logFollowUp satisfies the gap like the portal would, and cancels its reminders', async () => {
      const response = await graphql(
        t,
        advisor,
        `mutation { logFollowUp(input: { interactionExternalId: "int-1", channel: PHONE, sentAt: "${hoursAgo(1)}", note: "電話で報告" }) { externalId channel purpose } }`,
      );
      expect(response.errors).toBeUndefined();
      const logged = response.data.logFollowUp;
      expect(logged).toMatchObject({ channel: 'PHONE', purpose: 'THANK_YOU' });
      await t.http.get(`/v1/follow-ups/${logged.externalId}`).set(center.auth).expect(200);
      expect((await gapOf('stu-1')).state).toBe('SATISFIED');
      const thankYous = (await reminders('stu-1')).filter((r) =>
        r.items.some((item) => item.purpose === 'THANK_YOU'),
      );
      expect(thankYous.length).toBeGreaterThan(0);
      expect(thankYous.filter((r) => r.status === 'SCHEDULED')).toEqual([]);
    });

    it('logFollowUp takes a null purpose, literal or variable, as its default THANK_YOU', async () => {
      const log = `mutation($purpose: GapPurpose, $id: String) {
        logFollowUp(input: { interactionExternalId: "int-1", channel: PHONE, sentAt: "${hoursAgo(1)}", purpose: $purpose, externalId: $id }) { purpose }
      }`;
      // As the API key: only whole-center viewers choose a follow-up's externalId.
      const byVariable = await graphql(t, center.apiKey, log, { purpose: null, id: 'fu-null-variable' });
      expect(byVariable.errors).toBeUndefined();
      expect(byVariable.data.logFollowUp.purpose).toBe('THANK_YOU');
      const byLiteral = await graphql(
        t,
        advisor,
        `mutation { logFollowUp(input: { interactionExternalId: "int-1", channel: PHONE, sentAt: "${hoursAgo(1)}", purpose: null }) { purpose } }`,
      );
      expect(byLiteral.errors).toBeUndefined();
      expect(byLiteral.data.logFollowUp.purpose).toBe('THANK_YOU');
    });

    it('dismissGap keeps the gap DISMISSED with its reason through later recomputes', async () => {
      const gap = await gapOf('stu-1');
      const response = await graphql(
        t,
        advisor,
        `
          mutation ($id: ID!) {
            dismissGap(id: $id, reason: "内定辞退済み") {
              id
              state
              reason
              nextReminderAt
            }
          }
        `,
        { id: gap.id },
      );
      expect(response.data.dismissGap).toEqual({
        id: gap.id,
        state: 'DISMISSED',
        reason: '内定辞退済み',
        nextReminderAt: null,
      });
      expect((await reminders('stu-1')).map((r) => r.cancelReason)).toContain(
        'its gaps were dismissed by an advisor',
      );
      await interaction('int-1', 'stu-1', hoursAgo(4)).expect(200); // an edit: the student is recomputed
      expect(await gapOf('stu-1')).toMatchObject({ state: 'DISMISSED' });
      const again = await graphql(
        t,
        advisor,
        `
          mutation ($id: ID!) {
            dismissGap(id: $id, reason: "x") {
              id
            }
          }
        `,
        {
          id: gap.id,
        },
      );
      expect(again.errors?.[0].extensions?.code).toBe('CONFLICT');
    });

    it('snoozeGap defers nudges to the snooze end (at most 14 days) and keeps the gap open', async () => {
      const gap = await gapOf('stu-1');
      const snooze = (id: string, until: string) =>
        graphql(
          t,
          advisor,
          `
            mutation ($id: ID!, $until: DateTime!) {
              snoozeGap(id: $id, until: $until) {
                state
                snoozedUntil
                nextReminderAt
              }
            }
          `,
          { id, until },
        );
      const until = '2026-11-28T02:00:00.000Z'; // 11:00 in Tokyo tomorrow
      const response = await snooze(gap.id, until);
      expect(response.data.snoozeGap).toEqual({ state: 'OPEN', snoozedUntil: until, nextReminderAt: until });
      const pending = (await reminders('stu-1')).filter((r) => r.status === 'SCHEDULED');
      expect(pending.map((r) => r.scheduledAt).every((at) => at >= until)).toBe(true);
      expect(pending.length).toBeGreaterThan(0);

      for (const [id, at] of [
        [gap.id, hoursAhead(15 * 24)],
        [gap.id, hoursAgo(1)],
      ]) {
        expect((await snooze(id, at)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      }
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
        expect((await snooze(id, hoursAhead(2))).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      }
    });
  });

  it('followUpStats matches hand-computed figures, per advisor for directors only', async () => {
    const t0 = hoursAgo(80);
    const at = (h: number) => new Date(Date.parse(t0) + h * 3600_000).toISOString();
    await student('stu-1', 'adv-1').expect(201);
    await student('stu-2', 'adv-2').expect(201);
    await interaction('int-a', 'stu-1', t0, 'INTERVIEW').expect(201);
    await followUp('fu-a', 'int-a', at(10)).expect(201); // within 24 h
    await interaction('int-b', 'stu-1', t0, 'INFO_SESSION').expect(201);
    await followUp('fu-b', 'int-b', at(30)).expect(201); // within 48 h only
    await interaction('int-d', 'stu-1', t0, 'OTHER').expect(201); // no thank-you gap
    await interaction('int-c', 'stu-2', t0, 'NETWORKING').expect(201); // never thanked: overdue (72 h)
    await interaction('int-old', 'stu-2', hoursAgo(24 * 30), 'INTERVIEW').expect(201); // outside the range

    const query = `{ followUpStats(filter: { from: "${hoursAgo(24 * 10)}", to: "${hoursAhead(1)}" }) {
      interactionsByKind { kind count } thankYouGaps thankYouWithin24h thankYouWithin48h medianHoursToThankYou
      openGaps overdueGaps perAdvisor { advisor { externalId } thankYouGaps openGaps } } }`;
    const director = (await graphql(t, center.apiKey, query)).data.followUpStats;
    expect(director).toMatchObject({
      interactionsByKind: [
        { kind: 'INTERVIEW', count: 1 },
        { kind: 'INFO_SESSION', count: 1 },
        { kind: 'CAREER_FAIR', count: 0 },
        { kind: 'NETWORKING', count: 1 },
        { kind: 'OTHER', count: 1 },
      ],
      thankYouGaps: 3,
      openGaps: 1,
      overdueGaps: 1,
      medianHoursToThankYou: 20,
    });
    expect(director.thankYouWithin24h).toBeCloseTo(1 / 3);
    expect(director.thankYouWithin48h).toBeCloseTo(2 / 3);
    expect(
      director.perAdvisor.sort(
        (a: { advisor: { externalId: string } }, b: { advisor: { externalId: string } }) =>
          a.advisor.externalId.localeCompare(b.advisor.externalId),
      ),
    ).toEqual([
      { advisor: { externalId: 'adv-1' }, thankYouGaps: 2, openGaps: 0 },
      { advisor: { externalId: 'adv-2' }, thankYouGaps: 1, openGaps: 1 },
    ]);
    const own = (await graphql(t, advisor, query)).data.followUpStats;
    expect(own).toMatchObject({ thankYouGaps: 2, openGaps: 0, overdueGaps: 0, perAdvisor: [] });
    expect(own.thankYouWithin24h).toBeCloseTo(1 / 2);
  });

  // Literals now fail the DateTime scalar itself, at validation (HTTP 400), as variables fail with BAD_USER_INPUT.
  it('refuses dates PostgreSQL cannot store with HTTP 400, like REST does', async () => {
    await student('stu-1').expect(201);
    await interaction('int-1', 'stu-1', hoursAgo(3)).expect(201);
    for (const [from, to] of [
      ['-005000-01-01T00:00:00Z', '-004999-06-01T00:00:00Z'],
      ['0000-01-01T00:00:00Z', '0000-06-01T00:00:00Z'],
    ]) {
      const stats = await graphql(
        t,
        advisor,
        `{ followUpStats(filter: { from: "${from}", to: "${to}" }) { thankYouGaps } }`,
      );
      expect(stats.status).toBe(400);
      expect(stats.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    const logged = await graphql(
      t,
      advisor,
      `
        mutation {
          logFollowUp(
            input: { interactionExternalId: "int-1", channel: PHONE, sentAt: "+275760-01-01T00:00:00Z" }
          ) {
            externalId
          }
        }
      `,
    );
    expect(logged.status).toBe(400);
    expect(logged.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  describe('hardening', () => {
    it('refuses queries over the depth, alias and cost limits, and batched requests', async () => {
      const deep = `{ student(externalId: "x") { ${'a { '.repeat(11)}b${' }'.repeat(11)} } }`;
      const aliases = `{ ${Array.from({ length: 16 }, (_, i) => `v${i}: apiVersion`).join(' ')} }`;
      // 15 pages of students with their interactions, reminders and gaps: ~420 each, ~6,300 together.
      const heavy = `{ ${Array.from(
        { length: 15 },
        (_, i) => `p${i}: studentsMissingFollowUps { edges { node {
          student { name email advisor { name } interactions { externalId kind outcome notes company { name } contacts { name title } }
            reminders { id status why { timezone items { gapId rule anchor dueAt } spacing { decision detail } } } }
          gaps { id urgency interaction { externalId kind company { name } } } } } }`,
      ).join(' ')} }`;
      // Each limit answers with its own code, so a client can tell "ask for less" from a wrong query.
      for (const [query, limit, code] of [
        [deep, /depth/i, 'QUERY_TOO_DEEP'],
        [aliases, /alias/i, 'TOO_MANY_ALIASES'],
        [heavy, /cost/i, 'QUERY_TOO_COSTLY'],
      ] as const) {
        const response = await graphql(t, advisor, query);
        expect(response.status).toBe(400);
        const refusal = response.errors?.find((e) => limit.test(e.message));
        expect(refusal?.extensions).toEqual({ code });
      }
      const batched = await t.http
        .post('/graphql')
        .set('Authorization', `Bearer ${advisor}`)
        .send([{ query: '{ apiVersion }' }, { query: '{ apiVersion }' }]);
      expect(batched.status).toBe(400);
    });

    it('draws the limits exactly: depth 10 and 15 aliases pass, one more does not', async () => {
      // Depth counts the fields on the deepest path: `student` and `n` more levels below it.
      const depthErrors = async (levels: number) => {
        const below = `${'a { '.repeat(levels - 2)}b${' }'.repeat(levels - 2)}`;
        const response = await graphql(t, advisor, `{ student(externalId: "x") { ${below} } }`);
        return (response.errors ?? []).filter((e) => /depth/i.test(e.message)).length;
      };
      expect(await depthErrors(10)).toBe(0);
      expect(await depthErrors(11)).toBeGreaterThan(0);
      const aliased = (n: number) =>
        `{ ${Array.from({ length: n }, (_, i) => `v${i}: apiVersion`).join(' ')} }`;
      const fifteen = await graphql(t, advisor, aliased(15));
      expect(fifteen.errors).toBeUndefined();
      expect(Object.keys(fifteen.data)).toHaveLength(15);
      expect((await graphql(t, advisor, aliased(16))).status).toBe(400);
    });

    it('masks an unexpected failure as INTERNAL_SERVER_ERROR with a fixed message: no SQL, table or stack', async () => {
      await student('stu-1').expect(201);
      // A real database failure inside a nested resolver: the follow-ups table is briefly out of reach.
      const client = new pg.Client({ connectionString: t.runtime.databaseUrl });
      await client.connect();
      try {
        await client.query('ALTER TABLE follow_ups RENAME TO follow_ups_away');
        const response = await graphql(
          t,
          advisor,
          '{ student(externalId: "stu-1") { name followUps { note } } }',
        );
        expect(response.status).toBe(200);
        expect(response.errors).toEqual([
          {
            message: 'Internal server error. It has been logged.',
            path: ['student', 'followUps'],
            extensions: { code: 'INTERNAL_SERVER_ERROR' },
          },
        ]);
        expect(JSON.stringify(response)).not.toMatch(/follow_ups|relation|SELECT|\.js:/);
      } finally {
        await client.query('ALTER TABLE follow_ups_away RENAME TO follow_ups');
        await client.end();
      }
    });

    it('never leaks internals: a bad argument type is a validation error, not a stack trace', async () => {
      const response = await graphql(
        t,
        advisor,
        `
          {
            studentsMissingFollowUps(first: "x") {
              totalCount
            }
          }
        `,
      );
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.errors)).not.toMatch(/stacktrace|at .*\.js|SELECT/);
    });
  });

  describe('audit', () => {
    it('audits exactly the students a page shows, not the one it looks ahead at for hasNextPage', async () => {
      for (const id of ['stu-1', 'stu-2']) await student(id).expect(201);
      await interaction('int-1', 'stu-1', hoursAgo(3)).expect(201);
      await interaction('int-2', 'stu-2', hoursAgo(2)).expect(201);
      const page = await pageOf(advisor, { first: 1 });
      expect(page.pageInfo.hasNextPage).toBe(true);
      const log = await graphql(t, center.apiKey, '{ auditLog { entries { operation studentExternalId } } }');
      expect(log.data.auditLog.entries).toEqual([
        { operation: 'graphql:studentsMissingFollowUps', studentExternalId: studentsIn(page)[0] },
      ]);
    });

    it('appends a row per student read through REST and GraphQL, readable by directors only and never changed', async () => {
      await student('stu-1').expect(201);
      await interaction('int-1', 'stu-1', hoursAgo(3)).expect(201);
      const requestId = `req-rest-${'x'.repeat(119)}`; // the longest id a caller may send: 128 characters
      await t.http.get('/v1/students/stu-1').set(center.auth).set('X-Request-Id', requestId).expect(200);
      // What belongs to the student's record through REST: its interactions (one, and a page of them, which
      // names stu-1 twice but is one read of it) and its reminders.
      await interaction('int-2', 'stu-1', hoursAgo(5)).expect(201);
      await t.http.get('/v1/interactions/int-1').set(center.auth).expect(200);
      expect((await t.http.get('/v1/interactions').set(center.auth).expect(200)).body.items).toHaveLength(2);
      const reminders = await t.http
        .get('/v1/reminders?studentExternalId=stu-1')
        .set(center.auth)
        .expect(200);
      expect(reminders.body.items.length).toBeGreaterThan(0);
      await followUp('fu-1', 'int-1', hoursAgo(1)).expect(201);
      const logged = await t.http.get('/v1/follow-ups/fu-1').set(center.auth).expect(200);
      expect(logged.body.studentExternalId).toBe('stu-1');
      await graphql(t, advisor, '{ student(externalId: "stu-1") { name } }');
      await pageOf(advisor);
      const log = await graphql(
        t,
        center.apiKey,
        '{ auditLog(studentExternalId: "stu-1") { entries { actor role operation studentExternalId requestId } } }',
      );
      expect(log.data.auditLog.entries).toEqual([
        expect.objectContaining({
          actor: 'advisor:adv-1',
          role: 'advisor',
          operation: 'graphql:studentsMissingFollowUps',
        }),
        expect.objectContaining({ actor: 'advisor:adv-1', role: 'advisor', operation: 'graphql:student' }),
        expect.objectContaining({ role: 'portal', operation: 'rest:follow-ups.read' }),
        expect.objectContaining({ role: 'portal', operation: 'rest:reminders.read' }),
        expect.objectContaining({ role: 'portal', operation: 'rest:interactions.read' }),
        expect.objectContaining({ role: 'portal', operation: 'rest:interactions.read' }),
        expect.objectContaining({ role: 'portal', operation: 'rest:students.read', requestId }),
      ]);
      expect(JSON.stringify(log.data)).not.toContain('山田'); // no personal values
      const denied = await graphql(t, advisor, '{ auditLog { entries { id } } }');
      expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');

      const client = new pg.Client({ connectionString: t.runtime.databaseUrl });
      await client.connect();
      try {
        for (const statement of [
          `UPDATE audit_log SET actor = 'someone else' WHERE center_id = '${center.id}'`,
          `DELETE FROM audit_log WHERE center_id = '${center.id}'`,
          `TRUNCATE audit_log`,
        ]) {
          await expect(client.query(statement)).rejects.toThrow(/append-only/);
        }
      } finally {
        await client.end();
      }
    });
  });

  it('costs the same number of SQL statements for a page of 10 or 100 students (DataLoader, no N+1)', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `stu-${String(i).padStart(3, '0')}`);
    await t.http
      .post('/v1/students/bulk')
      .set(center.auth)
      .send({ items: ids.map((id) => ({ externalId: id, ...studentBody('adv-1') })) })
      .expect(200);
    await t.http
      .post('/v1/interactions/bulk')
      .set(center.auth)
      .send({
        items: ids.map((id, i) => ({
          externalId: `int-${id}`,
          studentExternalId: id,
          companyExternalId: 'cmp-1',
          kind: 'INTERVIEW',
          occurredAt: hoursAgo(3 + i / 10),
          contactExternalIds: ['ct-1'],
        })),
      })
      .expect(200);
    const statements = async () => {
      const metrics = (await t.http.get('/metrics').expect(200)).text;
      return Number(/^db_statements_total (\d+)/m.exec(metrics)![1]);
    };
    // Nested lists at one item each: at their defaults a page of 100 would cost more than MAX_COST.
    const query = `query($first: Int) { studentsMissingFollowUps(first: $first) { totalCount edges { node {
      student { externalId name advisor { name } } gaps(first: 1) { id urgency draft { locale subject }
        interaction { externalId company { name } contacts(first: 1) { name } } } } } } }`;
    const cost = async (first: number) => {
      const before = await statements();
      const response = await graphql(t, advisor, query, { first });
      expect(response.data.studentsMissingFollowUps.edges).toHaveLength(first);
      return (await statements()) - before;
    };
    await cost(1); // the first request also looks the advisor up, which is remembered
    const ten = await cost(10);
    expect(await cost(100)).toBe(ten);
    // One statement for the page with its students, advisors, gaps, interactions and companies, one for the
    // contacts (the gaps' drafts included: they are rendered from the same rows), and the one the /metrics
    // scrape itself sends (its backlog gauge).
    expect(ten).toBe(3);

    // Each student's whole timeline too: one more statement per relation, whatever the page size.
    const timeline = `query($first: Int) { studentsMissingFollowUps(first: $first) { edges { node { student {
      interactions(first: 1) { externalId company { name } } followUps(first: 1) { externalId } reminders(first: 1) { id }
      resolvedGaps(first: 1) { id interaction { externalId } } } } } } }`;
    const timelineCost = async (first: number) => {
      const before = await statements();
      const response = await graphql(t, advisor, timeline, { first });
      expect(response.data.studentsMissingFollowUps.edges).toHaveLength(first);
      return (await statements()) - before;
    };
    const tenTimelines = await timelineCost(10);
    expect(await timelineCost(100)).toBe(tenTimelines);
    expect(tenTimelines).toBeLessThanOrEqual(8);
  });
});
