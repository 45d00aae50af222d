import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the advisor GraphQL API needs: snoozed gaps, the append-only audit log of reads of student records,
 * the shared rate-limit counters (used when there is no Redis), and the indexes of its hot query.
 */
export class AdvisorApi1764547200000 implements MigrationInterface {
  name = 'AdvisorApi1764547200000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gaps ADD COLUMN snoozed_until timestamptz`);
    // "Students missing follow-ups, most urgent first": an advisor's students, then each one's open gaps.
    await q.query(`CREATE INDEX students_center_advisor_idx ON students (center_id, advisor_id, id)`);
    await q.query(
      `CREATE INDEX gaps_open_student_idx ON gaps (student_id, overdue_at) INCLUDE (opens_at, created_at) WHERE state = 'OPEN'`,
    );
    await q.query(`
      CREATE TABLE audit_log (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        center_id   uuid NOT NULL,
        actor       varchar(200) NOT NULL,
        role        varchar(16) NOT NULL,
        student_id  uuid NOT NULL,
        operation   varchar(100) NOT NULL,
        request_id  varchar(100),
        at          timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_log_center_idx ON audit_log (center_id, id)`);
    // Append-only for everyone, the application included: no UPDATE, DELETE or TRUNCATE gets through.
    await q.query(`
      CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`);
    // The layout rate-limiter-flexible expects; created here so no process creates tables at run time.
    await q.query(`
      CREATE TABLE graphql_rate_limits (
        key    varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE graphql_rate_limits`);
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_is_append_only()`);
    await q.query(`DROP INDEX gaps_open_student_idx`);
    await q.query(`DROP INDEX students_center_advisor_idx`);
    await q.query(`ALTER TABLE gaps DROP COLUMN snoozed_until`);
  }
}
