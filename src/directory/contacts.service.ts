import { Injectable } from '@nestjs/common';
import type { UpsertStatus } from '../common/bulk.js';
import type { ListQuery, Page } from '../common/pagination.js';
import { notInCenter } from '../common/resource-repository.js';
import { CompaniesRepository } from './companies.repository.js';
import type { ContactBody, ContactResource } from './contact.dto.js';
import { ContactsRepository } from './contacts.repository.js';

/** Contacts live under their company: `/v1/companies/{companyExternalId}/contacts/{externalId}`. */
@Injectable()
export class ContactsService {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly companies: CompaniesRepository,
  ) {}

  async put(
    centerId: string,
    companyExternalId: string,
    externalId: string,
    body: ContactBody,
  ): Promise<{ status: UpsertStatus; resource: ContactResource }> {
    const rows = await this.contacts.upsert(centerId, companyExternalId, externalId, body);
    // No row back: either unchanged, or there is no such company (the read below tells which).
    const resource = await this.get(centerId, companyExternalId, externalId);
    const status: UpsertStatus = rows.length === 0 ? 'unchanged' : rows[0].inserted ? 'created' : 'updated';
    return { status, resource };
  }

  async get(centerId: string, companyExternalId: string, externalId: string): Promise<ContactResource> {
    await this.assertCompany(centerId, companyExternalId);
    return this.contacts.get(centerId, companyExternalId, externalId);
  }

  async list(centerId: string, companyExternalId: string, query: ListQuery): Promise<Page<ContactResource>> {
    await this.assertCompany(centerId, companyExternalId);
    return this.contacts.list(centerId, companyExternalId, query);
  }

  private async assertCompany(centerId: string, companyExternalId: string): Promise<void> {
    if (!(await this.companies.exists(centerId, companyExternalId)))
      throw notInCenter('company', companyExternalId);
  }
}
