import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError, UnauthorizedError } from '../common/app-error.js';
import type { AuthenticatedRequest } from '../common/auth/center-context.js';
import { ROUTE_ACCESS, type RouteAccess } from '../common/auth/route-access.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { ApiKeysService } from './api-keys.service.js';
import { bearerToken } from './bearer-token.js';
import { hashesEqual, hashSecret } from './api-key.secret.js';

/**
 * Global guard for every HTTP route Nest serves: the route's own metadata (@Public, @AdminOnly, @CenterKey)
 * says which key it takes, so how a URL is spelled (case, slashes, encoding) can never change the decision.
 * A route without a decision is refused: deny by default. GraphQL authenticates its own requests (advisor JWTs
 * or a center key) when it builds the request context, so its resolvers pass through here.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly adminKeyHash: Buffer;
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    @Inject(RUNTIME) runtime: Runtime,
  ) {
    this.adminKeyHash = hashSecret(runtime.secrets.adminApiKey);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() === 'graphql') return true;
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access === 'public') return true;
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (access === 'admin') {
      if (!token || !hashesEqual(hashSecret(token), this.adminKeyHash)) {
        throw new UnauthorizedError(
          'This route needs the admin API key: Authorization: Bearer <ADMIN_API_KEY>.',
        );
      }
      return true;
    }
    if (access !== 'center') {
      this.logger.error(
        { handler: `${context.getClass().name}.${context.getHandler().name}` },
        'route has no access decision (@Public, @AdminOnly or @CenterKey); refused',
      );
      throw new AppError(403, 'forbidden', 'Forbidden', 'This route is not available.');
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
