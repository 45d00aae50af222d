import { GraphQLSchemaHost } from '@nestjs/graphql';
import { getNamedType, isListType, isNonNullType, isObjectType, type GraphQLOutputType } from 'graphql';
import { MAX_ALIASES, MAX_COST, MAX_TOKENS } from '../src/advisors-api/graphql-hardening.js';
import { advisorToken, graphql } from './helpers/advisor-graphql.js';
import { advisorBody, companyBody, contactBody, studentBody } from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/** Lists whose size their parent's `first` already bounds, and one of fixed size. */
const BOUNDED_BY_PARENT: Record<string, string> = {
  'StudentGapConnection.edges': 'studentsMissingFollowUps(first)',
  'AuditLogPage.entries': 'auditLog(first)',
  'FollowUpStats.interactionsByKind': 'one per InteractionKind',
  'AdvisorFollowUpFigures.interactionsByKind': 'one per InteractionKind',
  'PolicyPreview.samples': 'at most 20, as the REST preview',
};

const STUDENTS = 110; // more than the largest page
const BIG_INTERACTIONS = 130; // more than the largest nested list
const CONTACTS = 50; // the most an interaction may name
const NOTES = 'x'.repeat(10_000); // the longest notes REST accepts

/**
 * What the cost counts, read back from an answer: 1 per field, and 1 plus its fields per list item. The
 * cost is an upper bound of this count, so no accepted answer may count more than MAX_COST.
 */
function valuesIn(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + 1 + valuesIn(item), 0);
  if (value && typeof value === 'object')
    return Object.values(value).reduce(
      (n: number, field) => n + (Array.isArray(field) ? valuesIn(field) : 1 + valuesIn(field)),
      0,
    );
  return 0;
}

/** `count` aliases of `field`. */
const aliased = (count: number, field: string) =>
  `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join('\n')} }`;

const INTERACTION = `externalId kind occurredAt endedAt outcome notes resultExpectedBy
  company { externalId name industry } contacts(first: 50) { externalId name title }`;
const TIMELINE = `externalId name email advisor { externalId name }
  interactions(first: 100) { ${INTERACTION} }
  followUps(first: 100) { externalId interactionExternalId channel sentAt purpose note }
  gaps(first: 100) { id purpose urgency idealBy overdueAt interaction { ${INTERACTION} } }
  resolvedGaps(first: 100) { id state reason interaction { ${INTERACTION} } }
  reminders(first: 100) { id status items(first: 100) { purpose nudge } why { items(first: 100) { gapId rule anchor dueAt } } }`;

describe('advisor GraphQL answers are bounded by the query (cost × first, tokens, fragments)', () => {
  let t: TestApp;
  let center: TestCenter;
  let advisor: string;
  beforeAll(async () => {
    t = await startTestApp({
      role: 'api',
      isolated: true,
      env: { GRAPHQL_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    center = await createCenter(t);
    const put = (path: string, body: object) => t.http.put(path).set(center.auth).send(body).expect(201);
    const bulk = async (collection: string, items: object[]) => {
      const response = await t.http
        .post(`/v1/${collection}/bulk`)
        .set(center.auth)
        .send({ items })
        .expect(200);
      const results = (response.body as { results: { status: string }[] }).results;
      expect(results.filter((r) => r.status === 'error')).toEqual([]);
    };
    await put('/v1/advisors/adv-1', advisorBody);
    await put('/v1/companies/cmp-1', companyBody);
    const contactIds = Array.from({ length: CONTACTS }, (_, i) => `ct-${i}`);
    for (const id of contactIds) await put(`/v1/companies/cmp-1/contacts/${id}`, contactBody);
    await bulk(
      'students',
      Array.from({ length: STUDENTS }, (_, i) => ({ externalId: `stu-${i}`, ...studentBody('adv-1') })),
    );
    // Every interaction as large as REST allows: 10,000 characters of notes and 50 contacts.
    const interaction = (externalId: string, student: string, hoursAgo: number) => ({
      externalId,
      studentExternalId: student,
      companyExternalId: 'cmp-1',
      kind: 'INTERVIEW',
      occurredAt: new Date(Date.now() - hoursAgo * 3600_000).toISOString(),
      contactExternalIds: contactIds,
      notes: NOTES,
    });
    const interactions = [
      ...Array.from({ length: BIG_INTERACTIONS }, (_, i) => interaction(`big-${i}`, 'stu-0', 2 + i)),
      ...Array.from({ length: STUDENTS - 1 }, (_, i) => interaction(`int-${i + 1}`, `stu-${i + 1}`, 3)),
    ];
    for (let i = 0; i < interactions.length; i += 200)
      await bulk('interactions', interactions.slice(i, i + 200));
    await bulk(
      'follow-ups',
      Array.from({ length: BIG_INTERACTIONS }, (_, i) => ({
        externalId: `fu-${i}`,
        interactionExternalId: `big-${i}`,
        channel: 'EMAIL',
        purpose: 'CHECK_IN',
        sentAt: new Date().toISOString(),
        note: NOTES,
      })),
    );
    advisor = await advisorToken(t, { sub: 'adv-1', center: center.id, role: 'advisor' });
  }, 120_000);
  afterAll(() => t.close());

  it('gives every list field of the schema a `first` with its default and maximum stated, or a bounded parent', () => {
    const schema = t.app.get(GraphQLSchemaHost).schema;
    const isList = (type: GraphQLOutputType): boolean => isListType(isNonNullType(type) ? type.ofType : type);
    const unbounded: string[] = [];
    let lists = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (!isList(field.type)) continue;
        lists++;
        const name = `${type.name}.${field.name}`;
        if (BOUNDED_BY_PARENT[name]) continue;
        const first = field.args.find((a) => a.name === 'first');
        const stated = /^1 to (\d+); null: (\d+)\.$/.exec(first?.description ?? '');
        if (
          !first ||
          !stated ||
          first.defaultValue !== Number(stated[2]) ||
          getNamedType(first.type).name !== 'Int'
        )
          unbounded.push(name);
      }
    }
    expect(unbounded).toEqual([]);
    expect(lists).toBe(15);
  });

  it('bounds each list in SQL per parent: the default, `first`, and BAD_USER_INPUT past the maximum', async () => {
    const count = async (args: string) => {
      const response = await graphql(
        t,
        advisor,
        `{ student(externalId: "stu-0") { interactions${args} { externalId } } }`,
      );
      return response.errors ? response.errors[0].extensions : response.data.student.interactions.length;
    };
    expect(await count('')).toBe(20);
    expect(await count('(first: null)')).toBe(20);
    expect(await count('(first: 100)')).toBe(100);
    expect(await count('(first: 101)')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await count('(first: 0)')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const contacts = await graphql(
      t,
      advisor,
      `
        {
          student(externalId: "stu-0") {
            interactions(first: 2) {
              all: contacts(first: 50) {
                externalId
              }
              some: contacts {
                externalId
              }
            }
          }
        }
      `,
    );
    expect(contacts.data.student.interactions[0].all).toHaveLength(50);
    expect(contacts.data.student.interactions[0].some).toHaveLength(20);
  });

  it('multiplies the cost by `first`, from a literal or a variable, up to the limit and not one more', async () => {
    // student 1 + n interactions × (1 + 50 contacts × (1 + name)) = 1 + 101 n: n = 99 costs exactly 10,000.
    expect(MAX_COST).toBe(10_000);
    const query = `query($n: Int) { student(externalId: "stu-0") { interactions(first: $n) { contacts(first: 50) { name } } } }`;
    const fits = await graphql(t, advisor, query, { n: 99 });
    expect(fits.errors).toBeUndefined();
    expect(fits.data.student.interactions).toHaveLength(99);
    for (const over of [
      await graphql(t, advisor, query, { n: 100 }),
      await graphql(t, advisor, query.replace('query($n: Int)', '').replace('$n', '100')),
    ]) {
      expect(over.status).toBe(400);
      expect(over.data).toBeUndefined();
      expect(over.errors).toEqual([
        {
          message: "The query's cost 10101 exceeds the maximum cost of 10000.",
          extensions: { code: 'QUERY_TOO_COSTLY' },
        },
      ]);
    }
  });

  it('answers the largest queries an attacker can form with a bounded answer, or refuses them', async () => {
    const page = (first: number, inner: string) =>
      `studentsMissingFollowUps(first: ${first}) { edges { node { student { ${inner} } gaps(first: 100) { id } } } }`;
    const attacks = {
      // Today's shape: every page and list at its maximum, on every alias.
      maxEverything: aliased(MAX_ALIASES, page(100, TIMELINE)),
      timelines: aliased(MAX_ALIASES, `student(externalId: "stu-0") { ${TIMELINE} }`),
      // The widest that still fits: as many notes as the cost allows.
      notes: aliased(
        1,
        `student(externalId: "stu-0") { interactions(first: 100) { notes } followUps(first: 90) { note } }`,
      ),
      pages: aliased(MAX_ALIASES, page(3, 'externalId name email')),
      contacts: aliased(
        1,
        `student(externalId: "stu-0") { interactions(first: 40) { contacts(first: 50) { externalId name title } } }`,
      ),
    };
    const sizes: Record<string, { status: number; bytes: number; values: number }> = {};
    for (const [name, query] of Object.entries(attacks)) {
      const response = await t.http
        .post('/graphql')
        .set('Authorization', `Bearer ${center.apiKey}`)
        .send({ query });
      const body = response.body as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
      sizes[name] = { status: response.status, bytes: response.text.length, values: valuesIn(body.data) };
      if (response.status === 400) expect(body.errors?.[0].extensions?.code).toBe('QUERY_TOO_COSTLY');
      else expect([name, response.status, body.errors]).toEqual([name, 200, undefined]);
    }
    console.log(`worst-case answers: ${JSON.stringify(sizes)}`);
    expect(sizes.maxEverything.status).toBe(400);
    expect(sizes.timelines.status).toBe(400);
    // The accepted ones are full (the data is there) and still small.
    expect(sizes.notes).toMatchObject({ status: 200 });
    expect(sizes.notes.bytes).toBeGreaterThan(190 * NOTES.length);
    for (const { status, bytes, values } of Object.values(sizes)) {
      if (status !== 200) continue;
      expect(values).toBeLessThanOrEqual(MAX_COST);
      expect(bytes).toBeLessThan(3_000_000);
    }
  });

  it('refuses a 5,000-fragment chain by its tokens with HTTP 400, and evaluates a long chain within them', async () => {
    const chain = (n: number) =>
      `{ ...F1 }\n${Array.from({ length: n }, (_, i) =>
        i + 1 < n
          ? `fragment F${i + 1} on Query { ...F${i + 2} }`
          : `fragment F${i + 1} on Query { apiVersion }`,
      ).join('\n')}`;
    const huge = await graphql(t, advisor, chain(5000));
    expect(huge.status).toBe(400);
    expect(huge.errors).toEqual([
      {
        message: `The query has more than ${MAX_TOKENS} tokens.`,
        extensions: { code: 'QUERY_TOO_LONG' },
      },
    ]);
    // As many fragments (8 tokens each) as the limit allows: fragments add no depth, so this one is fine.
    const long = await graphql(t, advisor, chain(Math.floor(MAX_TOKENS / 8) - 1));
    expect(long.errors).toBeUndefined();
    expect(long.data.apiVersion).toEqual(expect.any(String));
  });

  it('refuses a fragment spread exponentially often, and a flood of directives, before anything runs', async () => {
    // F1 spreads F2 twice, F2 spreads F3 twice, …: 2^30 spreads from a few hundred tokens.
    const levels = 30;
    const bomb = `{ student(externalId: "stu-0") { ...F1 } }\n${Array.from({ length: levels }, (_, i) =>
      i + 1 < levels
        ? `fragment F${i + 1} on Student { ...F${i + 2} ...F${i + 2} }`
        : `fragment F${i + 1} on Student { externalId }`,
    ).join('\n')}`;
    const started = Date.now();
    const response = await graphql(t, advisor, bomb);
    expect(response.status).toBe(400);
    expect(response.errors?.[0].extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(Date.now() - started).toBeLessThan(5_000);

    const directives = await graphql(t, advisor, `{ apiVersion ${'@include(if: true) '.repeat(21)} }`);
    expect(directives.status).toBe(400);
    expect(directives.errors?.find((e) => /Directives limit of 20/.test(e.message))?.extensions).toEqual({
      code: 'TOO_MANY_DIRECTIVES',
    });
  });
});
