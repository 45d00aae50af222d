import type { Request } from 'express';
import type { Viewer } from './auth/viewer.js';
import type { Loaders } from './queries/loaders.js';

/** What every resolver of a request shares: who asks, the instant it asks at, and the batch loaders. */
export interface AdvisorContext {
  req: Request;
  viewer: Viewer;
  /** The injected clock, read once per request: urgency is computed at this instant. */
  now: Date;
  loaders: Loaders;
}
