import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { GraphQLError, ValidationContext } from 'graphql';

export const MAX_DEPTH = 10;
export const MAX_ALIASES = 15;
/**
 * graphql-armor's static cost (objects 2, scalars 1, each level ×1.5): a page of studentsMissingFollowUps with
 * each student's interactions, contacts and gaps costs 250–1,200 (fragments cost more), a full student
 * timeline about 120; 5,000 leaves room for real screens (and a few aliased ones), not for floods.
 */
export const MAX_COST = 5000;

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
