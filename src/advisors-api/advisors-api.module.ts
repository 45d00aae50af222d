import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../common/clock.js';
import type { Runtime } from '../config/runtime.js';
import { FollowUpsModule } from '../follow-ups/follow-ups.module.js';
import { InteractionsModule } from '../interactions/interactions.module.js';
import type { AdvisorContext } from './advisor-context.js';
import { AdvisorAuthModule } from './auth/advisor-auth.module.js';
import { AdvisorAuthService } from './auth/advisor-auth.service.js';
import { GraphqlExplorer, GraphqlExplorerModule } from './explorer/graphql-explorer.js';
import { RateLimitService } from './auth/rate-limit.service.js';
import { formatGraphqlError, serviceUnavailableStatus } from './graphql-errors.js';
import {
  CSRF_PREVENTION_REQUEST_HEADERS,
  HARDENING_PLUGINS,
  HARDENING_RULES,
  refuseOverTokenLimit,
} from './graphql-hardening.js';
import { dateTimeLiteralsNamed } from './models/date-time.scalar.js';
import { nulFreeStringLiterals, nulFreeVariables } from './nul-characters.js';
import { AdvisorActionsService } from './queries/advisor-actions.service.js';
import { AdvisorQueriesService } from './queries/advisor-queries.service.js';
import { FollowUpStatsRepository } from './queries/follow-up-stats.repository.js';
import { FollowUpStatsService } from './queries/follow-up-stats.service.js';
import { MissingFollowUpsRepository } from './queries/missing-follow-ups.repository.js';
import { ScopeRepository } from './queries/scope.repository.js';
import { createLoaders } from './queries/loaders.js';
import { RESOLVERS } from './resolvers.js';

/**
 * The advisors' GraphQL API at /graphql, code-first; `npm run schema:print` keeps schema.graphql in step.
 * Authentication, rate limiting and the per-request loaders are set up in the context, before any resolver
 * runs; scoping lives in the services (Nest guards would not run for field resolvers).
 */
@Module({})
export class AdvisorsApiModule {
  static forRoot(runtime: Runtime): DynamicModule {
    const production = runtime.config.production;
    // Not in production: introspection is off there, so an explorer would have no schema to show.
    const explorer = production ? undefined : GraphqlExplorer.fromInstalledPackages();
    return {
      module: AdvisorsApiModule,
      imports: [
        AdvisorAuthModule,
        FollowUpsModule,
        InteractionsModule,
        ...(explorer ? [GraphqlExplorerModule.forRoot(explorer)] : []),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [AdvisorAuthModule],
          inject: [AdvisorAuthService, RateLimitService, getDataSourceToken(), CLOCK],
          useFactory: (
            auth: AdvisorAuthService,
            limits: RateLimitService,
            dataSource: DataSource,
            clock: Clock,
          ) => ({
            path: '/graphql',
            autoSchemaFile: true,
            sortSchema: true,
            // Nest's GraphiQL stays off (it loads GraphiQL from a CDN); browsers (Accept: text/html) asking
            // GET /graphql get our own explorer instead, added below, served from this service's own
            // dependencies. Other GETs and all POSTs go through CSRF prevention, which also lets a GET with an
            // Authorization header through (graphql-hardening.ts says why that is safe).
            graphiql: false,
            csrfPrevention: { requestHeaders: CSRF_PREVENTION_REQUEST_HEADERS },
            introspection: !production,
            hideSchemaDetailsFromClientErrors: production, // no "Did you mean …?" field suggestions
            includeStacktraceInErrorResponses: false,
            allowBatchedHttpRequests: false,
            // Answers are per viewer and never cached; Apollo's cache-control plugin, on by default, would
            // still run a hook on every field resolved.
            plugins: [
              ApolloServerPluginCacheControlDisabled(),
              nulFreeVariables,
              ...HARDENING_PLUGINS,
              serviceUnavailableStatus,
              ...(explorer ? [explorer.landingPage()] : []),
            ],
            validationRules: [...HARDENING_RULES, nulFreeStringLiterals, dateTimeLiteralsNamed],
            formatError: formatGraphqlError(new Logger('GraphQL')),
            context: async ({ req }: { req: Request & { id?: string } }): Promise<AdvisorContext> => {
              refuseOverTokenLimit(req);
              const viewer = await auth.authenticate(req.headers.authorization, req.id ?? null);
              await limits.consume(viewer.rateKey);
              const now = clock.now();
              return { req, viewer, now, loaders: createLoaders(dataSource, viewer, now) };
            },
          }),
        }),
      ],
      providers: [
        ...RESOLVERS,
        AdvisorQueriesService,
        FollowUpStatsService,
        AdvisorActionsService,
        MissingFollowUpsRepository,
        FollowUpStatsRepository,
        ScopeRepository,
      ],
    };
  }
}
