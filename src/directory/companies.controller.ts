import { ResourceController } from '../common/resource.controller.js';
import { CompaniesService } from './companies.service.js';
import { CompanyBody, CompanyBulkItem, CompanyPage, CompanyResource } from './company.dto.js';

export class CompaniesController extends ResourceController({
  path: 'v1/companies',
  tag: 'companies',
  body: CompanyBody,
  item: CompanyBulkItem,
  resource: CompanyResource,
  page: CompanyPage,
  service: CompaniesService,
}) {}
