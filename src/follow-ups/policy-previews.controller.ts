import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { NotFoundError } from '../common/app-error.js';
import { CurrentCenter, type CenterContext } from '../common/auth/center-context.js';
import { CenterKey } from '../common/auth/route-access.js';
import { DEFAULT_POLICY_PREVIEW_SYNC_MAX_STUDENTS } from '../config/env.schema.js';
import type { InteractionKind } from './domain/vocabulary.js';
import { parseKind } from './follow-ups.controller.js';
import {
  POLICY_PREVIEW_EXAMPLE,
  POLICY_PREVIEW_RUN_EXAMPLE,
  PolicyPreviewRun,
} from './policy-preview-run.dto.js';
import { MAX_UNFINISHED_PREVIEWS, PolicyPreviewService } from './policy-preview.service.js';
import { PolicyPreview } from './policy-preview.js';
import { PolicyBody } from './policy.dto.js';

/** A run id that is not a UUID names no run: 404, as an unknown one. */
const previewIdPipe = () =>
  new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError('No such policy preview in this center.') });

/**
 * Policy previews: what `PUT /v1/policies/{kind}` would change, storing nothing. Small enough ones answer at
 * once (200); larger ones run in the background (202) and are polled at their status resource, as a center
 * recompute is.
 */
@ApiTags('follow-ups')
@ApiExtraModels(PolicyPreview, PolicyPreviewRun)
@CenterKey()
@Controller('v1/policies/:kind')
export class PolicyPreviewsController {
  constructor(private readonly previews: PolicyPreviewService) {}

  @Post('preview')
  @ApiOperation({
    summary: 'Preview what setting a policy would change for open gaps, storing nothing',
    description:
      'Plans every student with open gaps of the kind under the current and the proposed policy, as the PUT ' +
      `would recompute them. Up to POLICY_PREVIEW_SYNC_MAX_STUDENTS such students (${DEFAULT_POLICY_PREVIEW_SYNC_MAX_STUDENTS.toLocaleString('en')} ` +
      'unless configured) it answers 200 with the preview. Past that it answers 202 with a run to poll at its ' +
      '`href` (also the Location header): `status` goes pending → running → done (or failed), and once done its ' +
      '`preview` is the body the 200 would have had. An identical request while a run is unfinished gets that ' +
      `run; a center has at most ${MAX_UNFINISHED_PREVIEWS} unfinished runs (429 past that). A run is kept for an hour after it finishes.`,
  })
  @ApiOkResponse({
    type: PolicyPreview,
    description: 'What the PUT would change for students with open gaps of the kind; nothing is stored',
    example: POLICY_PREVIEW_EXAMPLE,
  })
  @ApiAcceptedResponse({
    type: PolicyPreviewRun,
    description:
      'More students than a request plans: the preview runs in the background; poll `href` (the Location header)',
    example: POLICY_PREVIEW_RUN_EXAMPLE.accepted,
    headers: { Location: { description: "The run's status resource", schema: { type: 'string' } } },
  })
  @ApiTooManyRequestsResponse({
    description: `Over the center's requests per minute, or ${MAX_UNFINISHED_PREVIEWS} background previews of the center unfinished; see Retry-After`,
  })
  async preview(
    @CurrentCenter() center: CenterContext,
    @Param('kind', parseKind()) kind: InteractionKind,
    @Body() body: PolicyBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyPreview | PolicyPreviewRun> {
    const outcome = await this.previews.request(center.centerId, kind, body);
    if ('preview' in outcome) {
      response.status(200);
      return outcome.preview;
    }
    response.status(202).location(outcome.run.href);
    return outcome.run;
  }

  @Get('previews/:previewId')
  @ApiOperation({
    summary: 'Show a background policy preview: its progress, and the preview once done',
    description:
      'The status resource a 202 from `POST /v1/policies/{kind}/preview` names. 404 for another kind, another ' +
      "center's run, or one expired (an hour after it finished).",
  })
  @ApiOkResponse({
    schema: { $ref: getSchemaPath(PolicyPreviewRun) },
    description: 'The run; `preview` holds the 200 body of the preview once `status` is done',
    examples: {
      running: {
        summary: 'Running',
        value: {
          ...POLICY_PREVIEW_RUN_EXAMPLE.accepted,
          status: 'running',
          studentsDone: 41500,
          studentsTotal: 100000,
        },
      },
      done: { summary: 'Done', value: POLICY_PREVIEW_RUN_EXAMPLE.done },
    },
  })
  run(
    @CurrentCenter() center: CenterContext,
    @Param('kind', parseKind()) kind: InteractionKind,
    @Param('previewId', previewIdPipe()) previewId: string,
  ): Promise<PolicyPreviewRun> {
    return this.previews.run(center.centerId, kind, previewId);
  }
}
