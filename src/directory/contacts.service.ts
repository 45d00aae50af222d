import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { NotFoundError } from '../common/app-error.js';
import type { UpsertStatus } from '../common/bulk.js';
import { selectPage, type ListQuery, type Page } from '../common/pagination.js';
import type { ContactBody, ContactResource } from './contact.dto.js';

const SELECT = `
  SELECT ct.external_id AS "externalId", c.external_id AS "companyExternalId", ct.name, ct.title, ct.email,
         ct.created_at AS "createdAt", ct.updated_at AS "updatedAt"
  FROM contacts ct JOIN companies c ON c.id = ct.company_id
  WHERE c.center_id = $1 AND c.external_id = $2`;

/** Contacts live under their company: `/v1/companies/{companyExternalId}/contacts/{externalId}`. */
@Injectable()
export class ContactsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async put(
    centerId: string,
    companyExternalId: string,
    externalId: string,
    body: ContactBody,
  ): Promise<{ status: UpsertStatus; resource: ContactResource }> {
    const rows = await this.dataSource.query<{ inserted: boolean }[]>(
      `INSERT INTO contacts AS ct (center_id, company_id, external_id, name, title, email)
       SELECT $1, c.id, $3, $4, $5, $6 FROM companies c WHERE c.center_id = $1 AND c.external_id = $2
       ON CONFLICT (company_id, external_id) DO UPDATE
         SET name = EXCLUDED.name, title = EXCLUDED.title, email = EXCLUDED.email, updated_at = now()
         WHERE (ct.name, ct.title, ct.email) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.title, EXCLUDED.email)
       RETURNING (ct.xmax = 0) AS inserted`,
      [centerId, companyExternalId, externalId, body.name, body.title ?? null, body.email ?? null],
    );
    // No row back: either unchanged, or there is no such company (the read below tells which).
    const resource = await this.get(centerId, companyExternalId, externalId);
    const status: UpsertStatus = rows.length === 0 ? 'unchanged' : rows[0].inserted ? 'created' : 'updated';
    return { status, resource };
  }

  async get(centerId: string, companyExternalId: string, externalId: string): Promise<ContactResource> {
    await this.assertCompany(centerId, companyExternalId);
    const [row] = await this.dataSource.query<ContactResource[]>(`${SELECT} AND ct.external_id = $3`, [
      centerId,
      companyExternalId,
      externalId,
    ]);
    if (!row) throw new NotFoundError(`No contact ${externalId} at company ${companyExternalId}.`);
    return row;
  }

  async list(centerId: string, companyExternalId: string, query: ListQuery): Promise<Page<ContactResource>> {
    await this.assertCompany(centerId, companyExternalId);
    return selectPage(
      (sql, params) => this.dataSource.query<ContactResource[]>(sql, params),
      SELECT,
      [centerId, companyExternalId],
      'ct.external_id',
      query,
    );
  }

  private async assertCompany(centerId: string, companyExternalId: string): Promise<void> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM companies WHERE center_id = $1 AND external_id = $2`,
      [centerId, companyExternalId],
    );
    if (rows.length === 0) throw new NotFoundError(`No company ${companyExternalId} in this center.`);
  }
}
