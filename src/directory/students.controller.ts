import { Delete, HttpCode, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation } from '@nestjs/swagger';
import { AuditsStudentReads } from '../audit/audit-student-reads.interceptor.js';
import { CurrentCenter, type CenterContext } from '../common/auth/center-context.js';
import { ExternalIdPipe } from '../common/external-id.js';
import { ResourceController } from '../common/resource.controller.js';
import { StudentBody, StudentBulkItem, StudentPage, StudentResource } from './student.dto.js';
import { StudentsService } from './students.service.js';

// GETs of one student or a page of them are reads of student records: audited.
@AuditsStudentReads('rest:students.read', 'response')
export class StudentsController extends ResourceController({
  path: 'v1/students',
  tag: 'students',
  body: StudentBody,
  item: StudentBulkItem,
  resource: StudentResource,
  page: StudentPage,
  service: StudentsService,
}) {
  @Delete(':externalId')
  @ApiOperation({ summary: "Erase a student's personal data; their gaps close, reminders are cancelled" })
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      "Erased: personal data removed, the student's gaps closed and reminders cancelled; the externalId may be reused",
  })
  async erase(
    @CurrentCenter() center: CenterContext,
    @Param('externalId', new ExternalIdPipe()) externalId: string,
  ): Promise<void> {
    await (this.service as StudentsService).erase(center.centerId, externalId);
  }
}
