import { ServiceInfoResolver } from './service-info.resolver.js';

/** Every resolver of the advisor API: the app module and the schema printer both use this list. */
export const RESOLVERS = [ServiceInfoResolver];
