import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The portal's records: advisors, students, companies, contacts, interactions, follow-ups, and stored
 * Idempotency-Key responses. Every row belongs to one center; the portal addresses rows by `external_id`,
 * unique per center (contacts: per company). External ids use the "C" collation, so keyset pagination
 * compares bytes and the unique index serves it.
 *
 * Rows removed through the API (a deleted interaction, an erased student) are kept as anonymised tombstones
 * for statistics: their `external_id` becomes NULL (outside the unique constraint, so the portal may reuse
 * the id) and their personal fields are cleared.
 */
export class Directory1764201600000 implements MigrationInterface {
  name = 'Directory1764201600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE advisors (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        center_id   uuid NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
        external_id varchar(128) COLLATE "C" NOT NULL,
        name        varchar(200) NOT NULL,
        email       varchar(320) NOT NULL,
        timezone    varchar(64)  NOT NULL,
        created_at  timestamptz  NOT NULL DEFAULT now(),
        updated_at  timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT advisors_external_id_key UNIQUE (center_id, external_id)
      )`);
    await q.query(`
      CREATE TABLE students (
        id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        center_id             uuid NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
        external_id           varchar(128) COLLATE "C",
        name                  varchar(200),
        email                 varchar(320),
        locale                varchar(2)  NOT NULL,
        timezone              varchar(64) NOT NULL,
        advisor_id            uuid REFERENCES advisors (id),
        graduation_year       smallint,
        notifications_enabled boolean NOT NULL DEFAULT true,
        created_at            timestamptz NOT NULL DEFAULT now(),
        updated_at            timestamptz NOT NULL DEFAULT now(),
        erased_at             timestamptz,
        CONSTRAINT students_external_id_key UNIQUE (center_id, external_id),
        CONSTRAINT students_erased_or_identified CHECK ((erased_at IS NULL) = (external_id IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX students_advisor_id_idx ON students (advisor_id)`);
    await q.query(`
      CREATE TABLE companies (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        center_id   uuid NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
        external_id varchar(128) COLLATE "C" NOT NULL,
        name        varchar(200) NOT NULL,
        industry    varchar(200),
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT companies_external_id_key UNIQUE (center_id, external_id)
      )`);
    await q.query(`
      CREATE TABLE contacts (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        center_id   uuid NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
        company_id  uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
        external_id varchar(128) COLLATE "C" NOT NULL,
        name        varchar(200) NOT NULL,
        title       varchar(200),
        email       varchar(320),
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT contacts_external_id_key UNIQUE (company_id, external_id)
      )`);
    await q.query(`
      CREATE TABLE interactions (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        center_id          uuid NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
        external_id        varchar(128) COLLATE "C",
        student_id         uuid NOT NULL REFERENCES students (id),
        company_id         uuid NOT NULL REFERENCES companies (id),
        kind               varchar(16) NOT NULL
          CHECK (kind IN ('INTERVIEW', 'INFO_SESSION', 'CAREER_FAIR', 'NETWORKING', 'OTHER')),
        occurred_at        timestamptz NOT NULL,
        ended_at           timestamptz,
        contact_ids        uuid[] NOT NULL DEFAULT '{}',
        notes              text,
        outcome            varchar(16) NOT NULL DEFAULT 'PENDING'
          CHECK (outcome IN ('PENDING', 'PASSED', 'OFFER', 'REJECTED', 'WITHDRAWN')),
        result_expected_by date,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        deleted_at         timestamptz,
        CONSTRAINT interactions_external_id_key UNIQUE (center_id, external_id),
        CONSTRAINT interactions_deleted_or_identified CHECK ((deleted_at IS NULL) = (external_id IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX interactions_student_id_idx ON interactions (student_id)`);
    await q.query(`CREATE INDEX interactions_company_id_idx ON interactions (company_id)`);
    await q.query(`
      CREATE TABLE follow_ups (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        center_id      uuid NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
        external_id    varchar(128) COLLATE "C",
        interaction_id uuid NOT NULL REFERENCES interactions (id),
        channel        varchar(16) NOT NULL CHECK (channel IN ('EMAIL', 'PHONE', 'SNS', 'LETTER', 'IN_PERSON')),
        sent_at        timestamptz NOT NULL,
        purpose        varchar(16) NOT NULL DEFAULT 'THANK_YOU' CHECK (purpose IN ('THANK_YOU', 'CHECK_IN')),
        note           text,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        deleted_at     timestamptz,
        CONSTRAINT follow_ups_external_id_key UNIQUE (center_id, external_id),
        CONSTRAINT follow_ups_deleted_or_identified CHECK ((deleted_at IS NULL) = (external_id IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX follow_ups_interaction_id_idx ON follow_ups (interaction_id)`);
    await q.query(`
      CREATE TABLE idempotency_keys (
        scope        varchar(64)  NOT NULL,
        key          varchar(255) NOT NULL,
        fingerprint  bytea        NOT NULL,
        status_code  smallint,
        response     bytea, -- AES-256-GCM with ENCRYPTION_KEY: responses may carry keys or personal data
        created_at   timestamptz  NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'idempotency_keys',
      'follow_ups',
      'interactions',
      'contacts',
      'companies',
      'students',
      'advisors',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
