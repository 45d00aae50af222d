import { Module } from '@nestjs/common';
import { FollowUpsModule } from '../follow-ups/follow-ups.module.js';
import { LoggedFollowUpsController } from './follow-ups.controller.js';
import { FollowUpsRepository } from './follow-ups.repository.js';
import { FollowUpsService } from './follow-ups.service.js';
import { InteractionsController } from './interactions.controller.js';
import { InteractionsRepository } from './interactions.repository.js';
import { InteractionsService } from './interactions.service.js';

/** Interactions (a student met a company) and the follow-ups students logged for them. */
@Module({
  imports: [FollowUpsModule],
  controllers: [InteractionsController, LoggedFollowUpsController],
  providers: [InteractionsService, FollowUpsService, InteractionsRepository, FollowUpsRepository],
  exports: [FollowUpsService],
})
export class InteractionsModule {}
