import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';

export const ADMIN_ONLY = 'auth:admin-only';

/** The route takes `Bearer <ADMIN_API_KEY>` instead of a center's key. */
export const AdminOnly = () => SetMetadata(ADMIN_ONLY, true);

/** Who is calling a /v1 route, resolved from the API key by AuthGuard. */
export interface CenterContext {
  centerId: string;
  apiKeyId: string;
}

export type AuthenticatedRequest = { center?: CenterContext };

/** The calling center; every center-scoped service call takes its id. */
export const CurrentCenter = createParamDecorator((_data: unknown, ctx: ExecutionContext): CenterContext => {
  const center = ctx.switchToHttp().getRequest<AuthenticatedRequest>().center;
  if (!center) throw new Error('CurrentCenter used on a route AuthGuard did not authenticate');
  return center;
});
