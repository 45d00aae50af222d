import { AdvisorMutationsResolver } from './resolvers/advisor-mutations.resolver.js';
import { AdvisorQueriesResolver } from './resolvers/advisor-queries.resolver.js';
import { PolicyPreviewResolver } from './resolvers/policy-preview.resolver.js';
import {
  AdvisorFiguresResolver,
  FollowUpStatsResolver,
  GapResolver,
  InteractionResolver,
  ReminderResolver,
  ReminderWhyResolver,
  ResolvedGapResolver,
  StudentGapsResolver,
  StudentResolver,
} from './resolvers/relations.resolver.js';
import { ServiceInfoResolver } from './service-info.resolver.js';

/** Every resolver of the advisor API: the app module and the schema printer both use this list. */
export const RESOLVERS = [
  ServiceInfoResolver,
  AdvisorQueriesResolver,
  AdvisorMutationsResolver,
  PolicyPreviewResolver,
  StudentGapsResolver,
  StudentResolver,
  GapResolver,
  ResolvedGapResolver,
  InteractionResolver,
  AdvisorFiguresResolver,
  FollowUpStatsResolver,
  ReminderResolver,
  ReminderWhyResolver,
];
