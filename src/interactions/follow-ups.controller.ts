import { AuditsStudentReads } from '../audit/audit-student-reads.interceptor.js';
import { ResourceController } from '../common/resource.controller.js';
import { FollowUpBody, FollowUpBulkItem, FollowUpPage, FollowUpResource } from './follow-up.dto.js';
import { FollowUpsService } from './follow-ups.service.js';

/**
 * The follow-ups students logged (a thank-you sent, a call made), synced from the portal at /v1/follow-ups. What
 * the engine still expects of them (gaps, reminders) is `FollowUpEngineController`'s, in follow-ups/.
 */
// A follow-up (its note included) belongs to its interaction's student's record: GETs are audited.
@AuditsStudentReads('rest:follow-ups.read', 'response.studentExternalId')
export class LoggedFollowUpsController extends ResourceController({
  path: 'v1/follow-ups',
  tag: 'follow-ups',
  body: FollowUpBody,
  item: FollowUpBulkItem,
  resource: FollowUpResource,
  page: FollowUpPage,
  service: FollowUpsService,
}) {}
