import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NoBody } from '../common/validation.js';
import { AdminOnly } from '../common/auth/route-access.js';
import { NotFoundError } from '../common/app-error.js';
import { PoliciesService } from './policies.service.js';
import { RecomputeStatus } from './policy.dto.js';

const centerIdPipe = () =>
  new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError('No such center.') });

/**
 * Operators (admin key) recompute a center's gaps and reminders in the background and watch it finish
 * (`npm run recompute -- <centerId>`); the run is the same one a policy change starts.
 */
@ApiTags('centers')
@AdminOnly()
@Controller('v1/centers')
export class CenterRecomputeController {
  constructor(private readonly policies: PoliciesService) {}

  @Post(':centerId/recompute')
  @ApiOperation({ summary: "Recompute a center's gaps and reminders from its policies (admin key)" })
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RecomputeStatus, description: 'Requested; a worker runs it' })
  request(
    @Param('centerId', centerIdPipe()) centerId: string,
    @NoBody() _none: undefined,
  ): Promise<RecomputeStatus> {
    return this.policies.requestRecompute(centerId);
  }

  @Get(':centerId/recompute')
  @ApiOperation({ summary: "Show a center's last recompute and its progress (admin key)" })
  @ApiOkResponse({ type: RecomputeStatus, description: "The center's last recompute and its progress" })
  async status(@Param('centerId', centerIdPipe()) centerId: string): Promise<RecomputeStatus> {
    const status = await this.policies.recomputeStatus(centerId);
    if (!status) throw new NotFoundError('This center has no recompute yet.');
    return status;
  }
}
