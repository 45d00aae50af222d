import { GraphQLSchemaHost } from '@nestjs/graphql';
import fc from 'fast-check';
import { parse, validate } from 'graphql';
import { DataSource } from 'typeorm';
import { advisorToken, graphql } from './helpers/advisor-graphql.js';
import { seedDirectory } from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

const NO_GAP = '00000000-0000-0000-0000-000000000000';
const SENT = '"2026-11-26T10:00:00Z"';

/** Every argument of the advisor API, each fed from a variable `$v` of its declared type. */
const OPERATIONS = [
  'query($v: String!) { student(externalId: $v) { externalId } }',
  'query($v: String) { auditLog(studentExternalId: $v) { entries { id } } }',
  'query($v: String) { auditLog(after: $v) { entries { id } } }',
  'query($v: Int) { auditLog(first: $v) { entries { id } } }',
  'query($v: String) { studentsMissingFollowUps(after: $v) { totalCount } }',
  'query($v: Int) { studentsMissingFollowUps(first: $v) { totalCount } }',
  'query($v: MissingFollowUpsFilter) { studentsMissingFollowUps(filter: $v) { totalCount } }',
  'query($v: String) { studentsMissingFollowUps(filter: { advisorExternalId: $v }) { totalCount } }',
  'query($v: Int) { studentsMissingFollowUps(filter: { graduationYear: $v }) { totalCount } }',
  'query($v: FollowUpStatsFilter!) { followUpStats(filter: $v) { openGaps } }',
  'query($v: DateTime!) { followUpStats(filter: { from: $v, to: "2030-01-01T00:00:00Z" }) { openGaps } }',
  `mutation($v: ID!) { dismissGap(id: $v, reason: "x") { id } }`,
  `mutation($v: String!) { dismissGap(id: "${NO_GAP}", reason: $v) { id } }`,
  `mutation($v: ID!) { snoozeGap(id: $v, until: ${SENT}) { id } }`,
  `mutation($v: DateTime!) { snoozeGap(id: "${NO_GAP}", until: $v) { id } }`,
  'mutation($v: LogFollowUpInput!) { logFollowUp(input: $v) { externalId } }',
  `mutation($v: String!) { logFollowUp(input: { interactionExternalId: $v, channel: EMAIL, sentAt: ${SENT} }) { externalId } }`,
  `mutation($v: String) { logFollowUp(input: { interactionExternalId: "int-1", note: $v, channel: EMAIL, sentAt: ${SENT} }) { externalId } }`,
  'mutation($v: DateTime!) { logFollowUp(input: { interactionExternalId: "int-1", channel: EMAIL, sentAt: $v }) { externalId } }',
  `mutation($v: GapPurpose) { logFollowUp(input: { interactionExternalId: "int-1", channel: EMAIL, sentAt: ${SENT}, purpose: $v }) { externalId } }`,
];

/** Text of every kind (control characters and U+0000 included), odd instants, huge and tiny numbers. */
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'binary-ascii' }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    '',
    'x'.repeat(20_000),
    NO_GAP,
    'int-1',
    'stu-1',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '+275760-09-13T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-11-26',
  ),
);
const value = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(text, { maxLength: 3 }),
  fc.jsonValue({ stringUnit: 'binary-ascii' }),
  fc.record({
    interactionExternalId: text,
    channel: fc.constantFrom('EMAIL', 'PHONE', 'x'),
    sentAt: text,
    note: text,
  }),
  fc.record({ from: text, to: text, advisorExternalId: text }),
);

describe('advisor API malformed input (property-based)', () => {
  let t: TestApp;
  let center: TestCenter;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp({ isolated: true, env: { GRAPHQL_RATE_LIMIT_PER_MINUTE: '100000' } });
    center = await createCenter(t);
    await seedDirectory(t, center);
    token = await advisorToken(t, { sub: 'adv-1', center: center.id, role: 'advisor' });
  });
  afterAll(() => t.close());

  const followUps = async () =>
    Number(
      (
        await t.app
          .get(DataSource)
          .query(`SELECT count(*) AS n FROM follow_ups WHERE center_id = $1`, [center.id])
      )[0].n,
    );

  it('feeds every argument: each operation above is a valid document for the served schema', () => {
    const schema = t.app.get(GraphQLSchemaHost).schema;
    for (const operation of OPERATIONS)
      expect([operation, validate(schema, parse(operation))]).toEqual([operation, []]);
  });

  it('never answers 5xx or INTERNAL_SERVER_ERROR, whatever an argument holds, as advisor or director', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OPERATIONS),
        value,
        fc.boolean(),
        async (operation, v, director) => {
          const response = await graphql(t, director ? center.apiKey : token, operation, { v });
          expect(response.status).toBeLessThan(500);
          expect((response.errors ?? []).map((e) => e.extensions?.code)).not.toContain(
            'INTERNAL_SERVER_ERROR',
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses U+0000, which PostgreSQL text cannot hold, in a variable or a literal, before anything runs', async () => {
    const before = await followUps();
    const inVariable = await graphql(
      t,
      token,
      `mutation($note: String) { logFollowUp(input: { interactionExternalId: "int-1", note: $note, channel: EMAIL, sentAt: ${SENT} }) { externalId } }`,
      { note: 'thanks\u0000' },
    );
    expect(inVariable.status).toBe(400);
    expect(inVariable.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    expect(inVariable.errors?.[0].message).toBe(
      'Variable $note must not contain the NUL character (U+0000).',
    );

    const nested = await graphql(
      t,
      token,
      'mutation($in: LogFollowUpInput!) { logFollowUp(input: $in) { externalId } }',
      {
        in: {
          interactionExternalId: 'int-1',
          channel: 'EMAIL',
          sentAt: '2026-11-26T10:00:00Z',
          note: '\u0000',
        },
      },
    );
    expect(nested.status).toBe(400);
    expect(nested.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'in.note' });

    const inLiteral = await graphql(t, token, '{ student(externalId: "stu-1\\u0000") { externalId } }');
    expect(inLiteral.status).toBe(400);
    expect(inLiteral.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await followUps()).toBe(before);
  });
});
