import { GraphQLSchemaHost } from '@nestjs/graphql';
import fc from 'fast-check';
import { isInputType, isNonNullType, isScalarType, type GraphQLSchema } from 'graphql';
import { advisorToken, graphql, type GraphqlResponse } from './helpers/advisor-graphql.js';
import { interactionBody, seedDirectory, studentBody } from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/**
 * Every cursor argument of the advisor API (`after` of a query), with the way it is read: the
 * studentsMissingFollowUps cursor is base64url of JSON, the audit log's is a row id. The first test checks
 * that this list is every `after` the served schema has.
 */
const CURSOR_QUERIES = {
  studentsMissingFollowUps: `query($after: String, $first: Int, $filter: MissingFollowUpsFilter) {
    studentsMissingFollowUps(after: $after, first: $first, filter: $filter) {
      totalCount edges { cursor node { student { externalId } } } pageInfo { hasNextPage endCursor }
    }
  }`,
  auditLog: `query($after: String, $first: Int) {
    auditLog(after: $after, first: $first) { entries { id } nextCursor }
  }`,
} as const;
type CursorQuery = keyof typeof CURSOR_QUERIES;

/** The same query with the cursor written into the document as a string literal instead of a variable. */
const withLiteral = (query: CursorQuery, after: string) =>
  CURSOR_QUERIES[query]
    .replace('$after: String, ', '')
    .replace('after: $after', `after: ${JSON.stringify(after)}`);

const ID = '00000000-0000-4000-8000-000000000000';
const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const bytesBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const bytesBase64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** Instant-shaped text in and out of range: years 0–9999 and beyond, month 13, day 32, hour 24, leap seconds. */
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const instantLike = fc.oneof(
  fc
    .record({
      year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1, 9999, 10000, 294277)),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
      hour: fc.integer({ min: 0, max: 25 }),
      minute: fc.integer({ min: 0, max: 60 }),
      second: fc.integer({ min: 0, max: 61 }),
      fraction: fc.option(fc.integer({ min: 0, max: 9_999_999 }), { nil: undefined }),
    })
    .map(
      ({ year, month, day, hour, minute, second, fraction }) =>
        `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}` +
        `${fraction === undefined ? '' : `.${fraction}`}Z`,
    ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(
    '0001-01-01T00:00:00Z',
    '0001-01-01T00:00:00.000000Z',
    '9999-12-31T23:59:59.999999Z',
    '0000-01-01T00:00:00Z',
    '1970-01-01T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '2028-02-29T00:00:00Z',
    '2026-12-31T23:59:60Z',
    '2026-11-26T10:00:00+09:00',
    '2026-11-26T10:00:00',
    '+275760-09-13T00:00:00.000Z',
    '-271821-04-20T00:00:00.000Z',
  ),
);

/** What may sit in one slot of the cursor's array: instants, ids, and anything else JSON can hold. */
const slot = fc.oneof(
  instantLike,
  fc.uuid(),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.constantFrom(ID, 'ffffffff-ffff-ffff-ffff-ffffffffffff', `${ID}\u0000`, `{${ID}}`, ID.replace(/-/g, '')),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.jsonValue({ stringUnit: 'binary-ascii', maxDepth: 2 }),
);

/** JSON that is, or is close to, what a studentsMissingFollowUps cursor decodes to: [asOf, urgencyAt, sortKey, id]. */
const cursorJson = fc.oneof(
  fc.tuple(instantLike, instantLike, instantLike, fc.uuid()),
  fc.tuple(slot, slot, slot, slot),
  fc.array(slot, { maxLength: 6 }),
  fc.record({ asOf: instantLike, urgencyAt: instantLike, sortKey: instantLike, studentId: fc.uuid() }),
  fc.jsonValue({ stringUnit: 'binary-ascii' }),
);

const encodings = [base64url, base64] as const;

/** Random bytes, random JSON, and cursor-shaped JSON, inside base64url and base64; and text of any kind. */
const forgedCursor = fc.oneof(
  fc.uint8Array({ maxLength: 160 }).map(bytesBase64url),
  fc.uint8Array({ maxLength: 160 }).map(bytesBase64),
  fc
    .tuple(fc.constantFrom(...encodings), fc.jsonValue({ stringUnit: 'binary-ascii' }))
    .map(([encode, value]) => encode(JSON.stringify(value) ?? '')),
  fc
    .tuple(fc.constantFrom(...encodings), cursorJson)
    .map(([encode, value]) => encode(JSON.stringify(value) ?? '')),
  // Text that decodes to UTF-8 the decoder must refuse, or to JSON with NUL and lone surrogates inside.
  fc
    .tuple(fc.constantFrom(...encodings), fc.string({ unit: 'binary', maxLength: 80 }))
    .map(([encode, text]) => encode(text)),
  // Audit log cursors are decimal row ids: numbers in and out of bigint's range, signs, spaces, exponents.
  fc.oneof(
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
    fc.constantFrom(
      '0',
      '1',
      '01',
      '9223372036854775807',
      '9223372036854775808',
      '999999999999999999',
      '1e3',
    ),
    fc.integer().map((n) => ` ${n}`),
  ),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary-ascii', maxLength: 80 }),
);

/** Who asks: an advisor (JWT, own caseload) or a director (the center's API key). */
type Caller = 'advisor' | 'director';

const filters = fc.constantFrom(
  null,
  { urgency: ['OVERDUE'] },
  { urgency: ['DUE', 'LATE'] },
  { kinds: ['INTERVIEW'] },
  { advisorExternalId: 'adv-1' },
  { graduationYear: 2027 },
);

describe('GraphQL cursor arguments are checked completely (property-based)', () => {
  let t: TestApp;
  let center: TestCenter;
  let tokens: Record<Caller, string>;
  /** Cursors the API itself handed out, to check they still work and to mutate. */
  const issued: Record<CursorQuery, string[]> = { studentsMissingFollowUps: [], auditLog: [] };

  beforeAll(async () => {
    t = await startTestApp({ env: { GRAPHQL_RATE_LIMIT_PER_MINUTE: '100000' } });
    center = await createCenter(t);
    await seedDirectory(t, center);
    // Open gaps for a few students, so that pages of one have a next cursor.
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
    for (const [n, h] of [
      [2, 3],
      [3, 30],
      [4, 60],
    ] as const) {
      await t.http.put(`/v1/students/stu-${n}`).set(center.auth).send(studentBody()).expect(201);
      await t.http
        .put(`/v1/interactions/int-${n}`)
        .set(center.auth)
        .send(
          interactionBody({
            studentExternalId: `stu-${n}`,
            occurredAt: hoursAgo(h + 1),
            endedAt: hoursAgo(h),
          }),
        )
        .expect(201);
    }
    tokens = {
      advisor: await advisorToken(t, { sub: 'adv-1', center: center.id, role: 'advisor' }),
      director: center.apiKey,
    };
    for (const caller of ['advisor', 'director'] as const) {
      const page = await graphql(t, tokens[caller], CURSOR_QUERIES.studentsMissingFollowUps, { first: 1 });
      expect(page.errors).toBeUndefined();
      expect(page.data.studentsMissingFollowUps.pageInfo.hasNextPage).toBe(true);
      issued.studentsMissingFollowUps.push(page.data.studentsMissingFollowUps.pageInfo.endCursor as string);
    }
    // The pages above wrote audit rows: a page of one of them has a next cursor.
    const log = await graphql(t, tokens.director, CURSOR_QUERIES.auditLog, { first: 1 });
    expect(log.errors).toBeUndefined();
    expect(log.data.auditLog.nextCursor).toEqual(expect.any(String));
    issued.auditLog.push(log.data.auditLog.nextCursor as string);
  });
  afterAll(() => t?.close());

  /** Never a 5xx nor INTERNAL_SERVER_ERROR; a refusal of the cursor is BAD_USER_INPUT and names `after`. */
  function expectHandled(query: CursorQuery, caller: Caller, response: GraphqlResponse): void {
    expect(response.status).toBeLessThan(500);
    const errors = response.errors ?? [];
    expect(errors.map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
    if (errors.length === 0) {
      // An accidentally valid cursor: a page, as for any other.
      expect(response.status).toBe(200);
      expect(response.data?.[query]).toEqual(expect.any(Object));
      return;
    }
    expect(errors).toHaveLength(1);
    const [error] = errors;
    if (query === 'auditLog' && caller === 'advisor' && error.extensions?.code === 'FORBIDDEN') return;
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect([200, 400]).toContain(response.status);
    expect(namedFields(error)).toContain('after');
    expect(error.message).toMatch(/after|cursor|invalid fields/i);
  }

  /** The argument an error names: `extensions.field` (GraphQL errors), or the paths of `extensions.errors`. */
  function namedFields(error: NonNullable<GraphqlResponse['errors']>[number]): unknown[] {
    const listed = (error.extensions?.errors as { path?: string }[] | undefined) ?? [];
    return [error.extensions?.field, ...listed.map((e) => e.path)];
  }

  it('covers every cursor argument of the served schema', () => {
    const schema: GraphQLSchema = t.app.get(GraphQLSchemaHost).schema;
    const cursorArguments: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !('getFields' in type) || isInputType(type)) continue;
      for (const field of Object.values(type.getFields()))
        for (const arg of 'args' in field ? field.args : [])
          if (/^(after|before|cursor)$/i.test(arg.name)) {
            const named = isNonNullType(arg.type) ? arg.type.ofType : arg.type;
            expect(isScalarType(named) && named.name).toBe('String');
            cursorArguments.push(`${type.name}.${field.name}(${arg.name})`);
          }
    }
    expect(cursorArguments.sort()).toEqual(
      Object.keys(CURSOR_QUERIES)
        .map((query) => `Query.${query}(after)`)
        .sort(),
    );
  });

  it('follows the cursors it hands out, and refuses a few forged ones by name', async () => {
    for (const caller of ['advisor', 'director'] as const) {
      const next = await graphql(t, tokens[caller], CURSOR_QUERIES.studentsMissingFollowUps, {
        first: 1,
        after: issued.studentsMissingFollowUps[caller === 'advisor' ? 0 : 1],
      });
      expect(next.errors).toBeUndefined();
      expect(next.data.studentsMissingFollowUps.edges).toHaveLength(1);
    }
    const log = await graphql(t, tokens.director, CURSOR_QUERIES.auditLog, {
      first: 1,
      after: issued.auditLog[0],
    });
    expect(log.errors).toBeUndefined();
    expect(log.data.auditLog.entries).toHaveLength(1);

    const forged: [CursorQuery, string][] = [
      ['studentsMissingFollowUps', base64url(JSON.stringify(['x', 'y', 'z', 'w']))],
      [
        'studentsMissingFollowUps',
        base64url(
          JSON.stringify(['0000-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '0000-01-01T00:00:00Z', ID]),
        ),
      ],
      ['studentsMissingFollowUps', base64url('{"after":"stu-1"}')],
      ['auditLog', '9223372036854775808'],
      ['auditLog', base64url('{"after":"1"}')],
    ];
    for (const [query, after] of forged)
      for (const caller of ['advisor', 'director'] as const) {
        const response = await graphql(t, tokens[caller], CURSOR_QUERIES[query], { after });
        expectHandled(query, caller, response);
        if (!(query === 'auditLog' && caller === 'advisor')) {
          expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
          expect(namedFields(response.errors![0])).toContain('after');
        }
      }
  });

  it('never answers 5xx or INTERNAL_SERVER_ERROR for random bytes or JSON inside base64, as advisor or director', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(CURSOR_QUERIES) as CursorQuery[])),
        fc.constantFrom<Caller>('advisor', 'director'),
        forgedCursor,
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
        filters,
        async (query, caller, after, literal, first, filter) => {
          const variables: Record<string, unknown> = { first };
          if (query === 'studentsMissingFollowUps') variables.filter = filter;
          const response = literal
            ? await graphql(t, tokens[caller], withLiteral(query, after), variables)
            : await graphql(t, tokens[caller], CURSOR_QUERIES[query], { ...variables, after });
          // A literal the parser refuses (a lone surrogate, U+0000) is the parser's 400, not the cursor's.
          const code = response.errors?.[0]?.extensions?.code;
          if (literal && (code === 'GRAPHQL_PARSE_FAILED' || code === 'GRAPHQL_VALIDATION_FAILED')) {
            expect(response.status).toBe(400);
            return;
          }
          expectHandled(query, caller, response);
        },
      ),
      { numRuns: 600 },
    );
  }, 300_000); // a few hundred requests: minutes on a loaded machine

  it('takes a cursor only as it was handed out: not re-encoded as standard base64, nor with junk inserted', async () => {
    const [cursor] = issued.studentsMissingFollowUps;
    const json = Buffer.from(cursor, 'base64url').toString('utf8');
    const variants = [
      Buffer.from(json, 'utf8').toString('base64'), // standard alphabet, with padding
      `${cursor.slice(0, 5)}!*${cursor.slice(5)}`, // characters the decoder would skip
      `${cursor}==`,
    ].filter((variant) => variant !== cursor);
    expect(variants.length).toBeGreaterThanOrEqual(2);
    for (const after of variants) {
      const response = await graphql(t, tokens.director, CURSOR_QUERIES.studentsMissingFollowUps, {
        first: 2,
        after,
      });
      expect(response.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([
        ['BAD_USER_INPUT', 'after'],
      ]);
    }
  });

  it('never answers 5xx for cursors it handed out with one part changed, truncated or padded', async () => {
    const decoded = (cursor: string) =>
      JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const mutated = fc.oneof(
      // One of the four parts replaced.
      fc
        .tuple(
          fc.constantFrom(...issued.studentsMissingFollowUps),
          fc.integer({ min: 0, max: 3 }),
          slot,
          fc.constantFrom(...encodings),
        )
        .map(([cursor, index, value, encode]) => {
          const parts = decoded(cursor);
          parts[index] = value;
          return encode(JSON.stringify(parts));
        }),
      // Cut short, or with characters inserted.
      fc
        .tuple(
          fc.constantFrom(...issued.studentsMissingFollowUps),
          fc.nat(),
          fc.string({ unit: 'binary-ascii', maxLength: 4 }),
        )
        .map(([cursor, at, text]) => {
          const i = at % (cursor.length + 1);
          return `${cursor.slice(0, i)}${text}${cursor.slice(i + (text ? 0 : 1))}`;
        }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<Caller>('advisor', 'director'), mutated, async (caller, after) => {
        const response = await graphql(t, tokens[caller], CURSOR_QUERIES.studentsMissingFollowUps, {
          first: 2,
          after,
        });
        expectHandled('studentsMissingFollowUps', caller, response);
      }),
      { numRuns: 300 },
    );
  }, 300_000); // a few hundred requests: minutes on a loaded machine
});
