import { AdvisorBody, AdvisorBulkItem, AdvisorPage, AdvisorResource } from './advisor.dto.js';
import { AdvisorsService } from './advisors.service.js';
import { ResourceController } from '../common/resource.controller.js';

export class AdvisorsController extends ResourceController({
  path: 'v1/advisors',
  tag: 'advisors',
  body: AdvisorBody,
  item: AdvisorBulkItem,
  resource: AdvisorResource,
  page: AdvisorPage,
  service: AdvisorsService,
}) {}
