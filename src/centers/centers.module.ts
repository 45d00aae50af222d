import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { AccessGuard } from './access.guard.js';
import { CentersController } from './centers.controller.js';
import { CentersRepository } from './centers.repository.js';
import { CentersService } from './centers.service.js';

@Module({
  controllers: [CentersController, ApiKeysController],
  providers: [
    CentersService,
    ApiKeysService,
    CentersRepository,
    ApiKeysRepository,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [ApiKeysService],
})
export class CentersModule {}
