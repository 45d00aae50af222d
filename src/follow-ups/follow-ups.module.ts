import { Module, type DynamicModule } from '@nestjs/common';
import { CenterRecomputeController } from './center-recompute.controller.js';
import { FollowUpsController } from './follow-ups.controller.js';
import { FollowUpsProcessor } from './follow-ups.processor.js';
import { FollowUpsReadService } from './follow-ups-read.service.js';
import { GapDecisionsService } from './gap-decisions.service.js';
import { GapsService } from './gaps.service.js';
import { RecomputeResumer } from './recompute-resumer.js';
import { PoliciesService } from './policies.service.js';

/** The follow-up engine's services; the domain rules live in ./domain and import nothing from here. */
@Module({
  providers: [GapsService, GapDecisionsService, RecomputeResumer],
  exports: [GapsService, GapDecisionsService, RecomputeResumer],
})
export class FollowUpsModule {
  /** The REST routes (api role) and the background recompute (worker role). */
  static forRoot(options: { servesApi: boolean; runsWorkers: boolean }): DynamicModule {
    return {
      module: FollowUpsModule,
      controllers: options.servesApi ? [FollowUpsController, CenterRecomputeController] : [],
      providers: [
        GapsService,
        PoliciesService,
        FollowUpsReadService,
        GapDecisionsService,
        ...(options.runsWorkers ? [FollowUpsProcessor] : []),
      ],
      exports: [GapsService, GapDecisionsService],
    };
  }
}
