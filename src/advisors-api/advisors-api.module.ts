import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { Runtime } from '../config/runtime.js';
import { RESOLVERS } from './resolvers.js';

/** The advisors' GraphQL API at /graphql, code-first; `npm run schema:print` keeps schema.graphql in step. */
@Module({})
export class AdvisorsApiModule {
  static forRoot(runtime: Runtime): DynamicModule {
    const production = runtime.config.production;
    return {
      module: AdvisorsApiModule,
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          graphiql: false,
          introspection: !production,
          includeStacktraceInErrorResponses: false,
          allowBatchedHttpRequests: false,
        }),
      ],
      providers: RESOLVERS,
    };
  }
}
