import type { Request } from 'express';

/**
 * The route *pattern* a request matched (`/v1/students/:externalId`), never its raw path: ids can be e-mail
 * addresses, so raw paths stay out of logs and metric labels. Nest answers unknown paths from a catch-all
 * `{/*splat}` route and mounts GraphQL as `/graphql{/*splat}`; everything unmatched shares one label.
 */
export function routeLabel(req: Pick<Request, 'route' | 'baseUrl'>): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern !== 'string' || pattern === '{/*splat}') return 'unmatched';
  return `${req.baseUrl ?? ''}${pattern}`.replace('{/*splat}', '');
}
