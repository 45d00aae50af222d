import type { NextFunction, Request, Response } from 'express';
import { routeLabel } from '../logging/route-label.js';
import type { MetricsService } from './metrics.service.js';

/**
 * Times every request and labels it with the route *pattern* (`/v1/api-keys/:id`), never the raw path, so
 * ids do not explode label cardinality.
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
