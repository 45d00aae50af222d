import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { errors as joseErrors, jwtVerify } from 'jose';
import type { DataSource } from 'typeorm';
import { resolveExternalIds } from '../../database/sql.js';
import { ApiKeysService } from '../../centers/api-keys.service.js';
import { bearerToken } from '../../centers/bearer-token.js';
import { isUuid } from '../../common/uuid.js';
import { RUNTIME, type Runtime } from '../../config/runtime.js';
import { asServiceUnavailable, unauthenticated } from '../graphql-errors.js';
import type { Viewer } from './viewer.js';

/** How far a token's `iat` may be ahead of this server's clock (clock skew between the portal and us). */
const IAT_CLOCK_SKEW_SECONDS = 60;

interface Claims {
  sub: string;
  center: string;
  role: Viewer['role'];
}

/**
 * `Authorization: Bearer <token>` → Viewer. A token is either an HS256 JWT issued by the portal (claims `sub`
 * advisor externalId, `center`, `role`, `exp`; optional `iat`, `iss`, `aud`) or a center API key, which acts as
 * a director. Anything else, expired, badly signed, living longer than ADVISOR_JWT_MAX_LIFETIME_SECONDS, issued
 * in the future, from another issuer or for another audience (when ADVISOR_JWT_ISSUER / ADVISOR_JWT_AUDIENCE are
 * set), or naming an advisor the center does not have, is UNAUTHENTICATED (HTTP 401).
 */
@Injectable()
export class AdvisorAuthService {
  private readonly jwtKey: Uint8Array;
  private readonly maxLifetimeSeconds: number;
  private readonly issuer?: string;
  private readonly audience?: string;
  private readonly advisorIds = new Map<string, string>();
  private readonly verifiedTokens = new Map<string, { claims: Claims; expiresAtMs: number }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeysService,
    @Inject(RUNTIME) runtime: Runtime,
  ) {
    this.jwtKey = new TextEncoder().encode(runtime.secrets.advisorJwtSecret);
    this.maxLifetimeSeconds = runtime.config.advisorJwtMaxLifetimeSeconds;
    this.issuer = runtime.config.advisorJwtIssuer;
    this.audience = runtime.config.advisorJwtAudience;
  }

  async authenticate(authorization: string | undefined, requestId: string | null): Promise<Viewer> {
    try {
      return await this.viewer(authorization, requestId);
    } catch (error) {
      throw asServiceUnavailable(error); // the API-key or advisor lookup found the database down: 503, not 500
    }
  }

  private async viewer(authorization: string | undefined, requestId: string | null): Promise<Viewer> {
    const token = bearerToken(authorization);
    if (!token) throw unauthenticated('Missing token: send Authorization: Bearer <advisor JWT or API key>.');
    if (token.startsWith('cfk_')) {
      const key = await this.apiKeys.authenticate(token);
      if (!key) throw unauthenticated('The API key is not valid or has been revoked.');
      const actor = `api-key:${key.apiKeyId}`;
      return {
        centerId: key.centerId,
        role: 'director',
        caseloadOf: null,
        // One budget per center for all its keys: issuing more keys must not raise it.
        rateKey: `${key.centerId}:api-keys`,
        audit: { centerId: key.centerId, actor, role: 'director', requestId },
      };
    }
    const claims = await this.verify(token);
    const advisorId = await this.advisorId(claims.center, claims.sub);
    if (!advisorId) throw unauthenticated('The token names an advisor this center does not have.');
    const actor = `advisor:${claims.sub}`;
    return {
      centerId: claims.center,
      role: claims.role,
      caseloadOf: claims.role === 'advisor' ? advisorId : null,
      // One budget per advisor: advisors are the center's roster, and tokens are minted by the portal only.
      rateKey: `${claims.center}:${actor}`,
      audit: { centerId: claims.center, actor, role: claims.role, requestId },
    };
  }

  /**
   * The advisor's row id. Found ids are remembered (a bounded cache): advisors are never deleted and their
   * externalId never changes, so a found id stays right; a miss is asked again next time.
   */
  private async advisorId(centerId: string, externalId: string): Promise<string | null> {
    const key = `${centerId}:${externalId}`;
    const known = this.advisorIds.get(key);
    if (known) return known;
    const advisorId = (
      await resolveExternalIds(this.dataSource.manager, 'advisors', centerId, [externalId])
    ).get(externalId);
    if (!advisorId) return null;
    if (this.advisorIds.size >= 10_000) this.advisorIds.clear();
    this.advisorIds.set(key, advisorId);
    return advisorId;
  }

  /**
   * The token's claims. A token that verified is remembered until its `exp` (a bounded cache): the portal
   * sends the same token with every request of a session, and verifying it again would give the same answer
   * (every check below depends only on the token and the configuration; the lifetime cap also bounds how long
   * an entry stays).
   */
  private async verify(token: string): Promise<Claims> {
    const known = this.verifiedTokens.get(token);
    if (known && known.expiresAtMs > Date.now()) return known.claims;
    this.verifiedTokens.delete(token);
    const { claims, exp } = await this.verifySignatureAndClaims(token);
    if (this.verifiedTokens.size >= 10_000) this.verifiedTokens.clear();
    this.verifiedTokens.set(token, { claims, expiresAtMs: exp * 1000 });
    return claims;
  }

  private async verifySignatureAndClaims(token: string): Promise<{ claims: Claims; exp: number }> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.jwtKey, {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'center', 'role', 'exp'],
        ...(this.issuer !== undefined ? { issuer: this.issuer } : {}),
        ...(this.audience !== undefined ? { audience: this.audience } : {}),
      }));
    } catch (error) {
      throw unauthenticated(
        error instanceof joseErrors.JWTExpired
          ? 'The token has expired.'
          : error instanceof joseErrors.JWTClaimValidationFailed
            ? `The token's claims are not valid: ${error.message}.`
            : 'The token is not a valid HS256 JWT signed with ADVISOR_JWT_SECRET.',
      );
    }
    const { sub, center, role, exp } = payload;
    this.checkLifetime(exp as number, payload.iat); // jose checked that exp (and iat, if any) are numbers
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128)
      throw unauthenticated('The token claim sub must be an advisor externalId.');
    if (!isUuid(center)) throw unauthenticated('The token claim center must be a center id.');
    if (role !== 'advisor' && role !== 'director')
      throw unauthenticated('The token claim role must be advisor or director.');
    return { claims: { sub, center, role }, exp: exp as number }; // jose checked that exp is a number
  }

  /**
   * A token must not outlive ADVISOR_JWT_MAX_LIFETIME_SECONDS: counted from `iat`, or from now without one (so
   * a token without `iat` cannot claim a long life either). An `iat` in the future is refused, beyond a small
   * allowance for clock skew: it would let a token stretch its life past the cap.
   */
  private checkLifetime(exp: number, iat: unknown): void {
    const now = Math.floor(Date.now() / 1000);
    if (typeof iat === 'number' && iat > now + IAT_CLOCK_SKEW_SECONDS)
      throw unauthenticated('The token claim iat is in the future.');
    const from = typeof iat === 'number' ? iat : now;
    if (exp - from > this.maxLifetimeSeconds) {
      throw unauthenticated(
        `The token lives too long: exp is ${exp - from} s after ${typeof iat === 'number' ? 'iat' : 'now'}; ` +
          `at most ${this.maxLifetimeSeconds} s (ADVISOR_JWT_MAX_LIFETIME_SECONDS) is accepted.`,
      );
    }
  }
}
