import { SignJWT } from 'jose';
import type { TestApp } from './test-app.js';

export interface TokenClaims {
  sub?: string;
  center?: string;
  role?: string;
  /** Seconds since the epoch; default: an hour from now. */
  exp?: number;
}

/** An advisor token as the portal issues it: HS256 with ADVISOR_JWT_SECRET (or `secret`, to forge one). */
export async function advisorToken(t: TestApp, claims: TokenClaims, secret?: string): Promise<string> {
  const { exp = Math.floor(Date.now() / 1000) + 3600, ...rest } = claims;
  const jwt = new SignJWT(rest).setProtectedHeader({ alg: 'HS256' });
  if (exp !== undefined) jwt.setExpirationTime(exp);
  return jwt.sign(new TextEncoder().encode(secret ?? t.runtime.secrets.advisorJwtSecret));
}

/** Response data is read by path in tests, as supertest bodies are. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface GraphqlResponse<T = Json> {
  status: number;
  headers: Record<string, string>;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; [key: string]: unknown } }[];
}

/** POST /graphql as a bearer of `token` (JWT or API key). */
export async function graphql<T = Json>(
  t: TestApp,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlResponse<T>> {
  const request = t.http.post('/graphql').set('Content-Type', 'application/json');
  if (token) request.set('Authorization', `Bearer ${token}`);
  const response = await request.send({ query, variables });
  const body = response.body as { data?: T; errors?: GraphqlResponse['errors'] };
  return {
    status: response.status,
    headers: response.headers,
    data: body.data ?? undefined,
    errors: body.errors,
  };
}
