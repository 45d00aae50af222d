import { Module } from '@nestjs/common';
import { GapsService } from './gaps.service.js';

@Module({ providers: [GapsService], exports: [GapsService] })
export class FollowUpsModule {}
