import { Body, Delete, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { AuditsStudentReads } from '../audit/audit-student-reads.interceptor.js';
import { CurrentCenter, type CenterContext } from '../common/auth/center-context.js';
import { ExternalIdPipe } from '../common/external-id.js';
import { ResourceController } from '../common/resource.controller.js';
import { createValidationPipe } from '../common/validation.js';
import {
  InteractionBody,
  InteractionBulkItem,
  InteractionPage,
  InteractionResource,
} from './interaction.dto.js';
import { InteractionPreview } from './interaction-preview.js';
import {
  PREVIEW_REQUEST,
  PREVIEW_RESPONSE,
  PREVIEW_UNKNOWN_STUDENT,
} from './interaction-preview.examples.js';
import { InteractionsService } from './interactions.service.js';

// An interaction (its notes included) belongs to a student's record: GETs are audited per student shown.
@AuditsStudentReads('rest:interactions.read', 'response.studentExternalId')
export class InteractionsController extends ResourceController({
  path: 'v1/interactions',
  tag: 'interactions',
  body: InteractionBody,
  item: InteractionBulkItem,
  resource: InteractionResource,
  page: InteractionPage,
  service: InteractionsService,
}) {
  @Delete(':externalId')
  @ApiOperation({ summary: 'Delete an interaction with its follow-ups; its gaps close' })
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'Deleted with its follow-ups; its gaps close and its reminders are cancelled',
  })
  async delete(
    @CurrentCenter() center: CenterContext,
    @Param('externalId', new ExternalIdPipe()) externalId: string,
  ): Promise<void> {
    await (this.service as InteractionsService).delete(center.centerId, externalId);
  }

  /**
   * What storing this interaction would do, storing nothing: the PUT's body plus externalId, validated as the
   * PUT validates it. A POST, so an Idempotency-Key works as for any POST. It shows the student's reminders
   * and a draft naming them, so it is audited as a read of that student (on success only).
   */
  @Post('preview')
  @ApiOperation({
    summary: "Preview an interaction's gaps, reminders and draft, storing nothing",
    description:
      'Takes the body of `PUT /v1/interactions/{externalId}` plus `externalId`, validated exactly as that PUT ' +
      '(the same 400s; the same 422 for a student, company or contact the center does not have, which ' +
      "includes an erased student: erasure frees the student's externalId). Answers what storing it would do " +
      "for its student, computed by the same rules and templates: the interaction's gaps, the student's " +
      'pending reminders as they would be planned (coalescing, 4-hour spacing and quiet hours included, each ' +
      "with its `why`), and the thank-you (or check-in) draft in the student's locale, available at once. " +
      'Nothing is stored and nothing is scheduled; the answer is recorded in the audit log as a read of the ' +
      'student (operation `rest:interactions.preview`).',
  })
  @HttpCode(200)
  @AuditsStudentReads('rest:interactions.preview', 'body.studentExternalId')
  @ApiExtraModels(InteractionBulkItem)
  @ApiBody({
    schema: { $ref: getSchemaPath(InteractionBulkItem) },
    examples: { interview: { summary: 'An interview that ended at 11:00 in Tokyo', value: PREVIEW_REQUEST } },
  })
  @ApiOkResponse({
    type: InteractionPreview,
    description: "The interaction's gaps, the student's reminders as they would be planned, and its draft",
    examples: {
      interview: {
        summary: "At 12:30 in Tokyo: the first nudge (13:00) rides along with a LATE thank-you's, due now",
        value: PREVIEW_RESPONSE,
      },
    },
  })
  @ApiUnprocessableEntityResponse({
    description:
      'studentExternalId, companyExternalId or a contact names no record of this center (an erased ' +
      "student's externalId no longer does), as for the PUT; or an Idempotency-Key was reused",
    content: {
      'application/problem+json': {
        schema: { $ref: '#/components/schemas/Problem' },
        example: PREVIEW_UNKNOWN_STUDENT,
      },
    },
  })
  preview(
    @CurrentCenter() center: CenterContext,
    @Body(createValidationPipe(InteractionBulkItem)) body: InteractionBulkItem,
  ): Promise<InteractionPreview> {
    return (this.service as InteractionsService).preview(center.centerId, body);
  }
}
