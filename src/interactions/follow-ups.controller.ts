import { AuditsStudentReads } from '../audit/audit-student-reads.interceptor.js';
import { ResourceController } from '../common/resource.controller.js';
import { FollowUpBody, FollowUpBulkItem, FollowUpPage, FollowUpResource } from './follow-up.dto.js';
import { FollowUpsService } from './follow-ups.service.js';

// A follow-up (its note included) belongs to its interaction's student's record: GETs are audited.
@AuditsStudentReads('rest:follow-ups.read', 'response.studentExternalId')
export class FollowUpsController extends ResourceController({
  path: 'v1/follow-ups',
  tag: 'follow-ups',
  body: FollowUpBody,
  item: FollowUpBulkItem,
  resource: FollowUpResource,
  page: FollowUpPage,
  service: FollowUpsService,
}) {}
