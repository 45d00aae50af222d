import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Request ids are 1–128 characters (X-Request-Id as the caller sent it); the audit log kept only 100. */
export class AuditRequestIdLength1764979200000 implements MigrationInterface {
  name = 'AuditRequestIdLength1764979200000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log ALTER COLUMN request_id TYPE varchar(128)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log ALTER COLUMN request_id TYPE varchar(100)`);
  }
}
