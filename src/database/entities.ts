import { ApiKey } from '../centers/api-key.entity.js';
import { Center } from '../centers/center.entity.js';

/** Every TypeORM entity, listed explicitly so the app, tests and CLI load the same set without globbing. */
export const ENTITIES = [Center, ApiKey];
