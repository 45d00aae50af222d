import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { errors as joseErrors, jwtVerify } from 'jose';
import type { DataSource } from 'typeorm';
import { ApiKeysService } from '../../centers/api-keys.service.js';
import { bearerToken } from '../../centers/bearer-token.js';
import { isUuid } from '../../common/uuid.js';
import { RUNTIME, type Runtime } from '../../config/runtime.js';
import { unauthenticated } from '../graphql-errors.js';
import type { Viewer } from './viewer.js';

interface Claims {
  sub: string;
  center: string;
  role: Viewer['role'];
}

/**
 * `Authorization: Bearer <token>` → Viewer. A token is either an HS256 JWT issued by the portal (claims `sub`
 * advisor externalId, `center`, `role`, `exp`) or a center API key, which acts as a director. Anything else,
 * expired, badly signed, or naming an advisor the center does not have, is UNAUTHENTICATED (HTTP 401).
 */
@Injectable()
export class AdvisorAuthService {
  private readonly jwtKey: Uint8Array;
  private readonly advisorIds = new Map<string, string>();
  private readonly verifiedTokens = new Map<string, { claims: Claims; expiresAtMs: number }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeysService,
    @Inject(RUNTIME) runtime: Runtime,
  ) {
    this.jwtKey = new TextEncoder().encode(runtime.secrets.advisorJwtSecret);
  }

  async authenticate(authorization: string | undefined, requestId: string | null): Promise<Viewer> {
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
        rateKey: actor,
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
    const [advisor] = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM advisors WHERE center_id = $1 AND external_id = $2`,
      [centerId, externalId],
    );
    if (!advisor) return null;
    if (this.advisorIds.size >= 10_000) this.advisorIds.clear();
    this.advisorIds.set(key, advisor.id);
    return advisor.id;
  }

  /**
   * The token's claims. A token that verified is remembered until its `exp` (a bounded cache): the portal
   * sends the same token with every request of a session, and verifying it again would give the same answer.
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
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128)
      throw unauthenticated('The token claim sub must be an advisor externalId.');
    if (!isUuid(center)) throw unauthenticated('The token claim center must be a center id.');
    if (role !== 'advisor' && role !== 'director')
      throw unauthenticated('The token claim role must be advisor or director.');
    return { claims: { sub, center, role }, exp: exp as number }; // jose checked that exp is a number
  }
}
