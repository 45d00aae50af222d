import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from './metrics.service.js';

/**
 * Times every request and labels it with the route *pattern* (`/v1/api-keys/:id`), never the raw path, so
 * ids do not explode label cardinality. Unmatched paths share one label.
 */
export function httpMetricsMiddleware(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const stop = metrics.httpRequestDuration.startTimer();
    res.on('finish', () => {
      stop({ method: req.method, route: routeLabel(req), status_code: String(res.statusCode) });
    });
    next();
  };
}

/** Nest answers unknown paths from a catch-all `{/*splat}` route, and mounts GraphQL as `/graphql{/*splat}`. */
function routeLabel(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern !== 'string' || pattern === '{/*splat}') return 'unmatched';
  return `${req.baseUrl}${pattern}`.replace('{/*splat}', '');
}
