import { Module } from '@nestjs/common';
import { CentersModule } from '../../centers/centers.module.js';
import { AdvisorAuthService } from './advisor-auth.service.js';
import { RateLimitService } from './rate-limit.service.js';

/** Who may call /graphql and how often; used by the GraphQL context factory. */
@Module({
  imports: [CentersModule],
  providers: [AdvisorAuthService, RateLimitService],
  exports: [AdvisorAuthService, RateLimitService],
})
export class AdvisorAuthModule {}
