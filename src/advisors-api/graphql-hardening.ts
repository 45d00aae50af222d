import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { Request } from 'express';
import { GraphQLError, type ValidationContext } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

export const MAX_DEPTH = 10;
export const MAX_ALIASES = 15;
export const MAX_DIRECTIVES = 20;
/** Lexical tokens of a document: 15 aliased pages with their nested fields take about 800. */
export const MAX_TOKENS = 3000;
/**
 * Cost = the number of values the answer can hold: 1 per field (object or scalar), a list's items times its
 * `first` (or default; a page's edges times the page size), free text weighted by its length (TEXT_COST).
 * So the cost bounds the answer's size, whatever the data: at most MAX_COST values of at most a few hundred
 * bytes (TEXT_COST in models/list-size.ts). A page of 20 students with their gaps (default 20 each), their
 * interactions and companies costs about 4,000; ask for fewer nested items to show more students.
 */
export const MAX_COST = 10_000;
/** Evaluating the cost stops (and refuses) past this many selections, e.g. a fragment spread many times over. */
const MAX_COST_NODES = 20_000;

/**
 * Each limit has its own `extensions.code`, so a client can tell "ask for less" from a query it got wrong
 * (GRAPHQL_VALIDATION_FAILED). All are HTTP 400, refused before execution.
 */
export const LIMIT_CODES = {
  depth: 'QUERY_TOO_DEEP',
  aliases: 'TOO_MANY_ALIASES',
  directives: 'TOO_MANY_DIRECTIVES',
  tokens: 'QUERY_TOO_LONG',
  cost: 'QUERY_TOO_COSTLY',
} as const;
export type LimitCode = (typeof LIMIT_CODES)[keyof typeof LIMIT_CODES];

function refused(code: LimitCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

/**
 * graphql-armor's rules throw by default (fine under envelop, a 500 under Apollo): report instead, so the
 * request is refused before execution (HTTP 400). Apollo gives every validation error the code
 * GRAPHQL_VALIDATION_FAILED; `limitCode` carries the limit's own, which formatGraphqlError puts back.
 */
const report = (code: LimitCode) => ({
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(
        new GraphQLError(error.message, { nodes: error.nodes, extensions: { limitCode: code } }),
      ),
  ],
});

export const HARDENING_RULES = [
  // Depth counts fields only: a fragment spread adds none (each spread counted as a level would refuse
  // ordinary fragment use and still let a long chain through its memo).
  maxDepthRule({ n: MAX_DEPTH, flattenFragments: true, ...report(LIMIT_CODES.depth) }),
  maxAliasesRule({ n: MAX_ALIASES, ...report(LIMIT_CODES.aliases) }),
  maxDirectivesRule({ n: MAX_DIRECTIVES, ...report(LIMIT_CODES.directives) }),
];

/**
 * graphql-armor's token limit, checked before Apollo parses the document: a document of more tokens (e.g. a
 * chain of thousands of fragments) is refused before graphql-js parses or validates it, so none of their
 * recursive walks can exhaust the stack. Called from the GraphQL context, whose errors keep their HTTP status
 * (Apollo turns an error thrown by a parsing hook into a 500).
 */
export function refuseOverTokenLimit(req: Request): void {
  const query: unknown = (req.body as { query?: unknown } | undefined)?.query ?? req.query?.query;
  if (typeof query !== 'string') return;
  try {
    new MaxTokensParserWLexer(query, { n: MAX_TOKENS }).parseDocument();
  } catch (error) {
    if (error instanceof GraphQLError && /Token limit/.test(error.message))
      throw refused(LIMIT_CODES.tokens, `The query has more than ${MAX_TOKENS} tokens.`);
    // Any other syntax error: Apollo's own parse reports it (GRAPHQL_PARSE_FAILED).
  }
}

/**
 * The cost limit, per request: it needs the variables (`first: $n`), which validation rules never see.
 * graphql-armor's cost-limit knows no list sizes, so graphql-query-complexity does it with the `complexity`
 * each list field declares (models/list-size.ts), and 1 for any other field.
 */
const costLimit: ApolloServerPlugin = {
  requestDidStart: () =>
    Promise.resolve({
      didResolveOperation: ({ request, document, schema, operationName }) => {
        let cost: number;
        try {
          cost = getComplexity({
            schema,
            query: document,
            variables: request.variables ?? {},
            operationName: operationName ?? undefined,
            estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
            maxQueryNodes: MAX_COST_NODES,
          });
        } catch (error) {
          // Anything else is a bug: fail closed (a 500, logged), never skip the limit.
          if (!(error instanceof GraphQLError)) throw error;
          if (/maximum allowed number of nodes/.test(error.message))
            return Promise.reject(
              refused(
                LIMIT_CODES.cost,
                `The query is too large to evaluate (over ${MAX_COST_NODES} selections).`,
              ),
            );
          // Variables that do not fit their types, refused as execution would refuse them.
          return Promise.reject(
            new GraphQLError(error.message, {
              extensions: { code: ApolloServerErrorCode.BAD_USER_INPUT, http: { status: 400 } },
            }),
          );
        }
        if (cost > MAX_COST)
          return Promise.reject(
            refused(LIMIT_CODES.cost, `The query's cost ${cost} exceeds the maximum cost of ${MAX_COST}.`),
          );
        return Promise.resolve();
      },
    }),
};

export const HARDENING_PLUGINS = [costLimit];

/**
 * Apollo's CSRF prevention runs a request that could be a browser's "simple" cross-site request (a GET, or a
 * POST of a form content type) only when it carries one of these headers, none of which a page on another
 * site can make a browser send without a CORS preflight (which this service does not grant). Apollo's two
 * (@apollo/server's recommendedCsrfPreventionRequestHeaders, not exported), plus `authorization`: ordinary
 * clients send their Bearer token on every request, so a GET with it (@urql/core's default for queries) runs
 * without an Apollo-only header. That is sound here because the context accepts nothing but
 * `Authorization: Bearer <token>`, a header a browser never adds by itself: the one it does resend on its own,
 * HTTP Basic credentials (the queue dashboard's), is refused as UNAUTHENTICATED before any operation runs, and
 * no cookie authenticates anything. A GET with none of these headers is still refused (HTTP 400), and Apollo
 * never runs a mutation sent with GET.
 */
export const CSRF_PREVENTION_REQUEST_HEADERS = [
  'x-apollo-operation-name',
  'apollo-require-preflight',
  'authorization',
];
