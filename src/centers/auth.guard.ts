import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { UnauthorizedError } from '../common/app-error.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { ApiKeysService } from './api-keys.service.js';
import { bearerToken } from './bearer-token.js';
import { hashesEqual, hashSecret } from './api-key.secret.js';
import { ADMIN_ONLY, type AuthenticatedRequest } from './auth.decorators.js';

/**
 * Global guard for the REST API: every route under /v1 needs a valid center API key (or, where marked
 * @AdminOnly, the admin key). Applying it by path rather than per controller means no /v1 route can
 * forget it.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly adminKeyHash: Buffer;

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    @Inject(RUNTIME) runtime: Runtime,
  ) {
    this.adminKeyHash = hashSecret(runtime.secrets.adminApiKey);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    if (!request.path.startsWith('/v1/') && request.path !== '/v1') return true;

    const token = bearerToken(request.headers.authorization);
    const adminOnly = this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (adminOnly) {
      if (!token || !hashesEqual(hashSecret(token), this.adminKeyHash)) {
        throw new UnauthorizedError(
          'This route needs the admin API key: Authorization: Bearer <ADMIN_API_KEY>.',
        );
      }
      return true;
    }
    const center = token ? await this.apiKeys.authenticate(token) : undefined;
    if (!center) {
      throw new UnauthorizedError(
        token
          ? 'The API key is not valid or has been revoked.'
          : 'Missing API key: send Authorization: Bearer <center API key>.',
      );
    }
    request.center = center;
    return true;
  }
}
