import { Query, Resolver } from '@nestjs/graphql';

/** Placeholder root field until the advisor queries land; lets clients check the endpoint and the schema. */
@Resolver()
export class ServiceInfoResolver {
  @Query(() => String, { description: 'Version of the advisor API schema.' })
  apiVersion(): string {
    return '1';
  }
}
