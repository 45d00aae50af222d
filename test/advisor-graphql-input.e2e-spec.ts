import { advisorToken, graphql } from './helpers/advisor-graphql.js';
import { advisorBody, interactionBody, seedDirectory, studentBody } from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/** Instants REST would refuse too: no offset, a bare date, epoch seconds, impossible or unstorable ones. */
const REFUSED: unknown[] = [
  '2026-11-26T09:00:00',
  '2026-11-26',
  1764000000,
  '1764000000',
  '2026-02-30T00:00:00Z',
  '2026-11-26T24:00:00Z',
  '2026-11-26T09:00:00+19:00',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  'Thu, 26 Nov 2026 09:00:00 GMT',
  '',
  true,
];

const STATS = (from: string) =>
  `{ followUpStats(filter: { from: ${from}, to: "2026-12-01T00:00:00Z" }) { from to } }`;
const LOG = (sentAt: string) =>
  `mutation { logFollowUp(input: { interactionExternalId: "int-1", channel: PHONE, sentAt: ${sentAt} }) { sentAt } }`;

describe('advisor GraphQL DateTime: RFC 3339 with an offset, in and out', () => {
  let t: TestApp;
  let center: TestCenter;
  let advisor: string;
  beforeAll(async () => {
    t = await startTestApp({ role: 'api', env: { GRAPHQL_RATE_LIMIT_PER_MINUTE: '100000' } });
    center = await createCenter(t);
    await seedDirectory(t, center);
    advisor = await advisorToken(t, { sub: 'adv-1', center: center.id, role: 'advisor' });
  });
  afterAll(() => t.close());

  it('refuses offset-less, bare-date, epoch and out-of-range literals with 400, naming the argument', async () => {
    for (const value of REFUSED) {
      const literal = JSON.stringify(value);
      for (const [query, field] of [
        [STATS(literal), 'filter.from'],
        [LOG(literal), 'input.sentAt'],
        [
          `mutation { snoozeGap(id: "00000000-0000-4000-8000-000000000000", until: ${literal}) { id } }`,
          'until',
        ],
      ]) {
        const response = await graphql(t, advisor, query);
        expect([literal, response.status, response.data]).toEqual([literal, 400, undefined]);
        expect(response.errors?.every((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED')).toBe(true);
        expect(response.errors?.map((e) => e.message)).toContainEqual(
          expect.stringMatching(new RegExp(`^Argument ${field.replace('.', '\\.')} must be RFC 3339`)),
        );
      }
    }
  });

  it('refuses the same values in variables with 400 BAD_USER_INPUT, naming the variable', async () => {
    for (const value of REFUSED) {
      const stats = await graphql(
        t,
        advisor,
        'query($from: DateTime!) { followUpStats(filter: { from: $from, to: "2026-12-01T00:00:00Z" }) { from } }',
        { from: value },
      );
      const log = await graphql(
        t,
        advisor,
        'mutation($in: LogFollowUpInput!) { logFollowUp(input: $in) { sentAt } }',
        { in: { interactionExternalId: 'int-1', channel: 'PHONE', sentAt: value } },
      );
      for (const [response, name] of [
        [stats, '$from'],
        [log, '$in'],
      ] as const) {
        expect([value, response.status, response.data]).toEqual([value, 400, undefined]);
        expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
        expect(response.errors?.[0].message).toContain(`Variable "${name}" got invalid value`);
        expect(response.errors?.[0].message).toContain('RFC 3339 with an explicit offset');
      }
    }
  });

  it('takes Z and ±hh:mm offsets and always answers in UTC with Z', async () => {
    const literal = await graphql(t, advisor, STATS('"2026-11-20T09:00:00+09:00"'));
    expect(literal.errors).toBeUndefined();
    expect(literal.data.followUpStats).toEqual({
      from: '2026-11-20T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
    });
    const variable = await graphql(
      t,
      advisor,
      'query($from: DateTime!) { followUpStats(filter: { from: $from, to: "2026-12-01T00:00:00Z" }) { from } }',
      { from: '2026-11-20T07:30:00.5-05:00' },
    );
    expect(variable.data.followUpStats.from).toBe('2026-11-20T12:30:00.500Z');
    const logged = await graphql(t, advisor, LOG('"2026-11-26T18:00:00+09:00"'));
    expect(logged.errors).toBeUndefined();
    expect(logged.data.logFollowUp.sentAt).toBe('2026-11-26T09:00:00.000Z');
  });

  it("logFollowUp answers an advisor the same whether the externalId is a colleague's student's or free", async () => {
    // adv-2's student stu-2 has a follow-up fu-b that the portal logged; adv-1 must not learn it exists.
    await t.http.put('/v1/advisors/adv-2').set(center.auth).send(advisorBody).expect(201);
    await t.http.put('/v1/students/stu-2').set(center.auth).send(studentBody('adv-2')).expect(201);
    await t.http
      .put('/v1/interactions/int-2')
      .set(center.auth)
      .send(interactionBody({ studentExternalId: 'stu-2' }))
      .expect(201);
    const fuB = { interactionExternalId: 'int-2', channel: 'EMAIL', sentAt: '2026-11-26T12:00:00+09:00' };
    await t.http.put('/v1/follow-ups/fu-b').set(center.auth).send(fuB).expect(201);
    const log = (token: string, externalId?: string) =>
      graphql(t, token, 'mutation($in: LogFollowUpInput!) { logFollowUp(input: $in) { externalId } }', {
        in: {
          interactionExternalId: 'int-1',
          channel: 'PHONE',
          sentAt: '2026-11-26T13:00:00+09:00',
          externalId,
        },
      });

    const taken = await log(advisor, 'fu-b');
    const free = await log(advisor, 'fu-free');
    expect(taken).toMatchObject({ status: free.status, data: free.data, errors: free.errors });
    expect(taken.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'input.externalId' } }),
    ]);
    await t.http.get('/v1/follow-ups/fu-free').set(center.auth).expect(404);
    const stillB = (await t.http.get('/v1/follow-ups/fu-b').set(center.auth).expect(200)).body;
    expect(stillB.interactionExternalId).toBe('int-2');

    // Without an id an advisor logs as before; the API key (the whole center) still chooses ids.
    expect((await log(advisor)).data.logFollowUp.externalId).toMatch(/^advisor-log\./);
    expect((await log(center.apiKey, 'fu-new')).data.logFollowUp.externalId).toBe('fu-new');
    expect((await log(center.apiKey, 'fu-b')).errors?.[0].extensions?.code).toBe('CONFLICT');
  });
});
