import { Body, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
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
   * PUT validates it. A POST, so an Idempotency-Key works as for any POST.
   */
  @Post('preview')
  @ApiOperation({ summary: "Preview an interaction's gaps, reminders and draft, storing nothing" })
  @HttpCode(200)
  @ApiBody({ type: InteractionBulkItem })
  @ApiOkResponse({
    type: InteractionPreview,
    description: "The interaction's gaps, the student's reminders as they would be planned, and its draft",
  })
  preview(
    @CurrentCenter() center: CenterContext,
    @Body(createValidationPipe(InteractionBulkItem)) body: InteractionBulkItem,
  ): Promise<InteractionPreview> {
    return (this.service as InteractionsService).preview(center.centerId, body);
  }
}
