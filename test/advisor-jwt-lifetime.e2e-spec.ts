import { SignJWT, type JWTPayload } from 'jose';
import { graphql } from './helpers/advisor-graphql.js';
import { advisorBody } from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/**
 * Issue 13 item 7a: an advisor JWT may not live longer than ADVISOR_JWT_MAX_LIFETIME_SECONDS (24 h by default),
 * counted from `iat` or, without one, from now; an `iat` in the future is refused (60 s of clock skew allowed);
 * `iss` and `aud` are checked when ADVISOR_JWT_ISSUER / ADVISOR_JWT_AUDIENCE are set, and only then.
 */
describe('advisor JWT lifetime, iat, iss and aud', () => {
  const HOUR = 3600;
  let defaults: TestApp;
  let strict: TestApp;
  let center: TestCenter;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    [defaults, strict] = await Promise.all([
      startTestApp({ role: 'api' }),
      startTestApp({
        role: 'api',
        env: {
          ADVISOR_JWT_MAX_LIFETIME_SECONDS: String(2 * HOUR),
          ADVISOR_JWT_ISSUER: 'https://portal.example.ac.jp',
          ADVISOR_JWT_AUDIENCE: 'career-followup',
        },
      }),
    ]);
    center = await createCenter(defaults);
    await defaults.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
  });
  afterAll(async () => {
    await Promise.all([defaults.close(), strict.close()]);
  });

  /** A token for adv-1 signed with the app's secret, carrying exactly the registered claims given. */
  function token(app: TestApp, claims: JWTPayload): Promise<string> {
    return new SignJWT({ sub: 'adv-1', center: center.id, role: 'advisor', ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(app.runtime.secrets.advisorJwtSecret));
  }

  async function answer(app: TestApp, claims: JWTPayload): Promise<{ status: number; message?: string }> {
    const response = await graphql(app, await token(app, claims), '{ apiVersion }');
    if (response.status !== 200) expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    return { status: response.status, message: response.errors?.[0].message };
  }

  it('accepts up to 24 h after iat and refuses longer, by default', async () => {
    expect(await answer(defaults, { iat: now(), exp: now() + 24 * HOUR })).toMatchObject({ status: 200 });
    const tooLong = await answer(defaults, { iat: now(), exp: now() + 24 * HOUR + 120 });
    expect(tooLong.status).toBe(401);
    expect(tooLong.message).toMatch(/lives too long.*86400 s \(ADVISOR_JWT_MAX_LIFETIME_SECONDS\)/);
    // Issued an hour ago with a 24.5 h life: exp is under 24 h from now, but the lifetime counts from iat.
    const fromIat = await answer(defaults, { iat: now() - HOUR, exp: now() + 23.5 * HOUR });
    expect(fromIat.status).toBe(401);
    expect(fromIat.message).toMatch(/after iat/);
  });

  it('counts the lifetime from now when the token has no iat', async () => {
    expect(await answer(defaults, { exp: now() + 23 * HOUR })).toMatchObject({ status: 200 });
    const forever = await answer(defaults, { exp: now() + 10 * 365 * 24 * HOUR });
    expect(forever.status).toBe(401);
    expect(forever.message).toMatch(/lives too long: exp is \d+ s after now/);
  });

  it('refuses an iat in the future beyond 60 s of clock skew', async () => {
    const future = await answer(defaults, { iat: now() + 600, exp: now() + HOUR });
    expect(future).toEqual({ status: 401, message: 'The token claim iat is in the future.' });
    expect(await answer(defaults, { iat: now() + 30, exp: now() + HOUR })).toMatchObject({ status: 200 });
  });

  it('takes the cap from ADVISOR_JWT_MAX_LIFETIME_SECONDS', async () => {
    expect(
      await answer(strict, {
        iss: 'https://portal.example.ac.jp',
        aud: 'career-followup',
        exp: now() + HOUR,
      }),
    ).toMatchObject({ status: 200 });
    const threeHours = await answer(strict, {
      iss: 'https://portal.example.ac.jp',
      aud: 'career-followup',
      exp: now() + 3 * HOUR,
    });
    expect(threeHours.status).toBe(401);
    expect(threeHours.message).toMatch(/at most 7200 s/);
  });

  it('checks iss and aud when configured, and not otherwise', async () => {
    const good = { iss: 'https://portal.example.ac.jp', aud: 'career-followup', exp: now() + HOUR };
    expect(await answer(strict, { ...good, aud: ['other-service', 'career-followup'] })).toMatchObject({
      status: 200,
    });
    for (const claims of [
      { ...good, iss: 'https://elsewhere.example' },
      { ...good, iss: undefined },
      { ...good, aud: 'other-service' },
      { ...good, aud: undefined },
    ]) {
      const refused = await answer(strict, claims);
      expect(refused.status).toBe(401);
      expect(refused.message).toMatch(/^The token's claims are not valid: .*"(iss|aud)" claim/);
    }
    // Unset: any issuer and audience (or none) will do.
    expect(
      await answer(defaults, { iss: 'https://elsewhere.example', aud: 'other-service', exp: now() + HOUR }),
    ).toMatchObject({ status: 200 });
  });
});
