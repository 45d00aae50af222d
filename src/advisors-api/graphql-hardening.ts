import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { GraphQLError, ValidationContext } from 'graphql';

export const MAX_DEPTH = 10;
export const MAX_ALIASES = 15;
/**
 * graphql-armor's static cost (objects 2, scalars 1, ×1.5 per level): a student's full timeline costs ~120 and
 * a page of studentsMissingFollowUps with its gaps ~60, so 1,000 leaves room for real screens, not for floods.
 */
export const MAX_COST = 1000;

/**
 * graphql-armor's rules throw by default (fine under envelop, a 500 under Apollo): report instead, so the
 * request is refused before execution with GRAPHQL_VALIDATION_FAILED (HTTP 400).
 */
const report = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

export const HARDENING_RULES = [
  maxDepthRule({ n: MAX_DEPTH, ...report }),
  maxAliasesRule({ n: MAX_ALIASES, ...report }),
  costLimitRule({ maxCost: MAX_COST, ...report }),
];
