import { ResourceController } from '../common/resource.controller.js';
import { FollowUpBody, FollowUpBulkItem, FollowUpPage, FollowUpResource } from './follow-up.dto.js';
import { FollowUpsService } from './follow-ups.service.js';

export class FollowUpsController extends ResourceController({
  path: 'v1/follow-ups',
  tag: 'follow-ups',
  body: FollowUpBody,
  item: FollowUpBulkItem,
  resource: FollowUpResource,
  page: FollowUpPage,
  service: FollowUpsService,
}) {}
