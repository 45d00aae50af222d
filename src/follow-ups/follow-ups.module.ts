import { Module } from '@nestjs/common';
import { CenterRecomputeController } from './center-recompute.controller.js';
import { FollowUpEngineController } from './follow-ups.controller.js';
import { FollowUpsProcessor } from './follow-ups.processor.js';
import { FollowUpsReadService } from './follow-ups-read.service.js';
import { GapDecisionsService } from './gap-decisions.service.js';
import { GapsService } from './gaps.service.js';
import { RecomputeResumer } from './recompute-resumer.js';
import { PoliciesService } from './policies.service.js';
import { PolicyPreviewService } from './policy-preview.service.js';
import { PolicyPreviewsController } from './policy-previews.controller.js';

const SERVICES = [
  GapsService,
  GapDecisionsService,
  RecomputeResumer,
  PoliciesService,
  PolicyPreviewService,
  FollowUpsReadService,
];

/**
 * The follow-up engine's services, in both roles: every module that uses the engine imports this one as it is, so
 * the app has one instance of each. The domain rules live in ./domain and import nothing from here. What
 * depends on the process role is in the two modules below, which the app module mounts by role.
 */
@Module({ providers: SERVICES, exports: SERVICES })
export class FollowUpsModule {}

/** The engine's REST routes (api role): gaps, reminders, policies and their previews, and center recomputes (admin key). */
@Module({
  imports: [FollowUpsModule],
  controllers: [FollowUpEngineController, PolicyPreviewsController, CenterRecomputeController],
})
export class FollowUpsApiModule {}

/** The background center recompute (worker role). */
@Module({ imports: [FollowUpsModule], providers: [FollowUpsProcessor] })
export class FollowUpsWorkerModule {}
