import { SignJWT, UnsecuredJWT } from 'jose';
import { advisorToken, graphql } from '../helpers/advisor-graphql.js';
import { DISMISS } from '../helpers/advisor-authorization-documents.js';
import { Tally } from '../helpers/advisor-authorization-oracle.js';
import { seedAuthorizationWorld, type AuthorizationWorld } from '../helpers/advisor-authorization-seed.js';

/**
 * The authorization matrix (test/helpers/advisor-authorization-seed.ts): bad credentials, before any
 * operation (studentsMissingFollowUps, student, dismissGap) runs.
 */
describe('advisor API authentication (2 centers × 3 advisors and a director, through HTTP)', () => {
  let world: AuthorizationWorld;
  beforeAll(async () => {
    world = await seedAuthorizationWorld();
  });
  afterAll(() => world?.close());

  it('bad credentials are HTTP 401 UNAUTHENTICATED for queries and mutations alike', async () => {
    const { t, centers } = world;
    const tally = new Tally();
    const A = centers.A.center;
    const B = centers.B.center;
    const secret = new TextEncoder().encode(t.runtime.secrets.advisorJwtSecret);
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    const sign = (claims: Record<string, unknown>, alg = 'HS256') =>
      new SignJWT(claims).setProtectedHeader({ alg }).sign(secret);
    const issued = (await t.http.post('/v1/api-keys').set(A.auth).expect(201)).body as {
      id: string;
      apiKey: string;
    };
    await t.http.delete(`/v1/api-keys/${issued.id}`).set(A.auth).expect(204);

    const cases: [string, string | undefined][] = [
      ['no Authorization header', undefined],
      ['not a JWT', 'not-a-jwt'],
      [
        'expired',
        await advisorToken(t, {
          sub: 'A-adv-1',
          center: A.id,
          role: 'advisor',
          exp: Math.floor(Date.now() / 1000) - 60,
        }),
      ],
      [
        'wrong signature',
        await advisorToken(
          t,
          { sub: 'A-adv-1', center: A.id, role: 'advisor' },
          'another-secret-entirely-0123456789',
        ),
      ],
      [
        'alg none',
        new UnsecuredJWT({ sub: 'A-adv-1', center: A.id, role: 'director' })
          .setExpirationTime(inAnHour)
          .encode(),
      ],
      [
        'HS512 instead of HS256',
        await sign({ sub: 'A-adv-1', center: A.id, role: 'advisor', exp: inAnHour }, 'HS512'),
      ],
      ['unknown advisor', await advisorToken(t, { sub: 'no-such-advisor', center: A.id, role: 'advisor' })],
      [
        "the other center's advisor",
        await advisorToken(t, { sub: 'B-adv-1', center: A.id, role: 'advisor' }),
      ],
      [
        'center claim of B, advisor of A',
        await advisorToken(t, { sub: 'A-adv-1', center: B.id, role: 'advisor' }),
      ],
      [
        'center claim of B, director of A',
        await advisorToken(t, { sub: 'A-dir', center: B.id, role: 'director' }),
      ],
      [
        'a center that does not exist',
        await advisorToken(t, {
          sub: 'A-adv-1',
          center: '00000000-0000-4000-8000-000000000000',
          role: 'director',
        }),
      ],
      ['center not an id', await advisorToken(t, { sub: 'A-adv-1', center: 'A', role: 'advisor' })],
      ['missing sub', await advisorToken(t, { center: A.id, role: 'advisor' })],
      ['empty sub', await advisorToken(t, { sub: '', center: A.id, role: 'advisor' })],
      ['missing center', await advisorToken(t, { sub: 'A-adv-1', role: 'advisor' })],
      ['missing role', await advisorToken(t, { sub: 'A-adv-1', center: A.id })],
      ['missing exp', await sign({ sub: 'A-adv-1', center: A.id, role: 'advisor' })],
      ['role admin', await advisorToken(t, { sub: 'A-adv-1', center: A.id, role: 'admin' })],
      ['role Director (case)', await advisorToken(t, { sub: 'A-adv-1', center: A.id, role: 'Director' })],
      ['role student', await advisorToken(t, { sub: 'A-adv-1', center: A.id, role: 'student' })],
      ['unknown API key', `cfk_${'0'.repeat(12)}_${'x'.repeat(32)}`],
      ['revoked API key', issued.apiKey],
      ['the admin key', t.runtime.secrets.adminApiKey],
    ];
    const operations = [
      ['studentsMissingFollowUps', `{ studentsMissingFollowUps { totalCount } }`, {}],
      ['student', `query { student(externalId: "A-s-11") { name } }`, {}],
      ['dismissGap', DISMISS, { id: centers.A.gaps.get('A-s-11')!.find((g) => g.state === 'OPEN')!.id }],
    ] as const;
    for (const [what, token] of cases) {
      for (const [operation, query, variables] of operations) {
        const response = await graphql(t, token, query, variables);
        tally.check(
          response.status === 401 &&
            response.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' &&
            !response.data,
          () =>
            `${what} → ${operation}: HTTP ${response.status} ${JSON.stringify(response.errors ?? response.data)}`,
        );
        tally.check(
          !JSON.stringify(response.errors).includes('    at '),
          () => `${what} → ${operation}: a stack trace in the response`,
        );
      }
    }
    // Controls: a well-formed token of each kind is accepted.
    for (const token of [
      await advisorToken(t, { sub: 'A-adv-1', center: A.id, role: 'advisor' }),
      await advisorToken(t, { sub: 'B-dir', center: B.id, role: 'director' }),
      A.apiKey,
    ]) {
      const response = await graphql(
        t,
        token,
        `
          {
            studentsMissingFollowUps {
              totalCount
            }
          }
        `,
      );
      tally.check(response.status === 200 && !response.errors, () => `control: HTTP ${response.status}`);
    }

    tally.expectClean();
    expect(tally.checks).toBeGreaterThan(2 * cases.length * operations.length);
  });
});
