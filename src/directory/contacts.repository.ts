import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { NotFoundError } from '../common/app-error.js';
import type { ListQuery, Page } from '../common/pagination.js';
import {
  selectByExternalId,
  selectExternalIdPage,
  type ExternalIdSelect,
} from '../common/resource-repository.js';
import type { ContactBody, ContactResource } from './contact.dto.js';

/** Contacts are scoped by their company within the center: $1 the center, $2 the company's external id. */
const CONTACTS: ExternalIdSelect = {
  select: `
  SELECT ct.external_id AS "externalId", c.external_id AS "companyExternalId", ct.name, ct.name_latin AS "nameLatin",
         ct.title, ct.email,
         ct.created_at AS "createdAt", ct.updated_at AS "updatedAt"
  FROM contacts ct JOIN companies c ON c.id = ct.company_id
  WHERE c.center_id = $1 AND c.external_id = $2`,
  key: 'ct.external_id',
};

/** The contacts table, addressed through their company's external id within the center. */
@Injectable()
export class ContactsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One contact of the center's company by external id; else 404. */
  async get(centerId: string, companyExternalId: string, externalId: string): Promise<ContactResource> {
    const row = await selectByExternalId<ContactResource>(
      this.dataSource,
      CONTACTS,
      [centerId, companyExternalId],
      externalId,
    );
    if (!row) throw new NotFoundError(`No contact ${externalId} at company ${companyExternalId}.`);
    return row;
  }

  /** A keyset page of the contacts of the center's company, by external id. */
  list(centerId: string, companyExternalId: string, query: ListQuery): Promise<Page<ContactResource>> {
    return selectExternalIdPage<ContactResource>(
      this.dataSource,
      CONTACTS,
      [centerId, companyExternalId],
      query,
    );
  }

  /**
   * Inserts or changes one contact of the center's company. A row comes back when it was created or
   * changed; none when it was unchanged or there is no such company.
   */
  upsert(
    centerId: string,
    companyExternalId: string,
    externalId: string,
    body: ContactBody,
  ): Promise<{ inserted: boolean }[]> {
    return this.dataSource.query<{ inserted: boolean }[]>(
      `INSERT INTO contacts AS ct (center_id, company_id, external_id, name, title, email, name_latin)
       SELECT $1, c.id, $3, $4, $5, $6, $7 FROM companies c WHERE c.center_id = $1 AND c.external_id = $2
       ON CONFLICT (company_id, external_id) DO UPDATE
         SET name = EXCLUDED.name, title = EXCLUDED.title, email = EXCLUDED.email, name_latin = EXCLUDED.name_latin,
             updated_at = now()
         WHERE (ct.name, ct.title, ct.email, ct.name_latin)
           IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.title, EXCLUDED.email, EXCLUDED.name_latin)
       RETURNING (ct.xmax = 0) AS inserted`,
      [
        centerId,
        companyExternalId,
        externalId,
        body.name,
        body.title ?? null,
        body.email ?? null,
        body.nameLatin ?? null,
      ],
    );
  }
}
