import { Body, Controller, Get, Param, ParseEnumPipe, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditsStudentReads } from '../audit/audit-student-reads.interceptor.js';
import { CurrentCenter, type CenterContext } from '../common/auth/center-context.js';
import { ValidationFailedError } from '../common/app-error.js';
import { ExternalIdPipe } from '../common/external-id.js';
import type { Page } from '../common/pagination.js';
import { enumOf, INTERACTION_KINDS, type InteractionKind } from './domain/vocabulary.js';
import { FollowUpsReadService } from './follow-ups-read.service.js';
import { PoliciesService } from './policies.service.js';
import { PolicyBody, PolicyList, StoredPolicy } from './policy.dto.js';
import { GapList, ReminderPage, ReminderQuery, type ReminderResource } from './read.dto.js';
import { CenterKey } from '../common/auth/route-access.js';

/** `kind` in the path must be one of the interaction kinds: otherwise a 400 naming it. */
export const parseKind = () =>
  new ParseEnumPipe(enumOf(INTERACTION_KINDS), {
    exceptionFactory: () =>
      new ValidationFailedError([
        { path: 'kind', message: `must be one of ${INTERACTION_KINDS.join(', ')}` },
      ]),
  });

/**
 * The follow-up engine over REST: what it planned (a student's gaps, the center's reminders) and the policies it
 * plans by (their previews: `PolicyPreviewsController`). The follow-ups students log are another controller's (`LoggedFollowUpsController`, interactions/).
 */
@ApiTags('follow-ups')
@CenterKey()
@Controller('v1')
export class FollowUpEngineController {
  constructor(
    private readonly read: FollowUpsReadService,
    private readonly policies: PoliciesService,
  ) {}

  @Get('students/:externalId/gaps')
  @ApiOperation({ summary: "List a student's missing follow-ups (gaps)" })
  @AuditsStudentReads('rest:students.gaps', 'path')
  @ApiOkResponse({
    type: GapList,
    description: "The student's follow-up gaps, most urgent first; urgency is computed at request time",
  })
  async gaps(
    @CurrentCenter() center: CenterContext,
    @Param('externalId', new ExternalIdPipe()) externalId: string,
  ): Promise<GapList> {
    return { items: await this.read.gapsOf(center.centerId, externalId) };
  }

  @Get('reminders')
  @ApiOperation({ summary: "List the center's reminders by scheduled time" })
  @AuditsStudentReads('rest:reminders.read', 'response.studentExternalId')
  @ApiOkResponse({ type: ReminderPage, description: 'Reminders by scheduled time, with their items and why' })
  reminders(
    @CurrentCenter() center: CenterContext,
    @Query() query: ReminderQuery,
  ): Promise<Page<ReminderResource>> {
    return this.read.reminders(center.centerId, query);
  }

  @Get('policies')
  @ApiOperation({ summary: "List the center's follow-up policies and its last recompute" })
  @ApiOkResponse({ type: PolicyList })
  listPolicies(@CurrentCenter() center: CenterContext): Promise<PolicyList> {
    return this.policies.list(center.centerId);
  }

  @Put('policies/:kind')
  @ApiOperation({ summary: 'Set the follow-up policy for one interaction kind' })
  @ApiCreatedResponse({ type: StoredPolicy, description: "The center's first policy of this kind, stored" })
  @ApiOkResponse({
    type: StoredPolicy,
    description: "Stored; the center's open gaps are recomputed in the background (see recompute)",
  })
  async putPolicy(
    @CurrentCenter() center: CenterContext,
    @Param('kind', parseKind()) kind: InteractionKind,
    @Body() body: PolicyBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StoredPolicy> {
    const { created, policy } = await this.policies.put(center.centerId, kind, body);
    response.status(created ? 201 : 200);
    return policy;
  }
}
