import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';

export const MAX_DEPTH = 10;
export const MAX_ALIASES = 15;
/** graphql-armor's static cost (objects 2, scalars 1, ×1.5 per level): a full student timeline is ~1,500. */
export const MAX_COST = 5000;

/** Refused before execution, with GRAPHQL_VALIDATION_FAILED (HTTP 400). */
export const HARDENING_RULES = [
  maxDepthRule({ n: MAX_DEPTH }),
  maxAliasesRule({ n: MAX_ALIASES }),
  costLimitRule({ maxCost: MAX_COST }),
];
