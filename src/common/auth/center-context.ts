import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** Who is calling a center route, resolved from the API key by AccessGuard. */
export interface CenterContext {
  centerId: string;
  apiKeyId: string;
}

export type AuthenticatedRequest = { center?: CenterContext };

/** The calling center; every center-scoped service call takes its id. */
export const CurrentCenter = createParamDecorator((_data: unknown, ctx: ExecutionContext): CenterContext => {
  const center = ctx.switchToHttp().getRequest<AuthenticatedRequest>().center;
  // Only reachable on a route not marked @CenterKey(): a programming error, caught by the route test.
  if (!center) throw new Error('CurrentCenter used on a route that does not take a center key');
  return center;
});
