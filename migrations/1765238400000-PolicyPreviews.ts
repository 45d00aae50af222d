import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A policy preview over more students than a request plans (POLICY_PREVIEW_SYNC_MAX_STUDENTS) runs as a
 * background job; this row is its status resource, polled by the client, with the figures once done. It holds
 * no personal data (samples name interactions by internal id; their external ids are read when the result is
 * shown) and expires an hour after it finishes.
 */
export class PolicyPreviews1765238400000 implements MigrationInterface {
  name = 'PolicyPreviews1765238400000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE policy_previews (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        center_id      uuid NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
        kind           text NOT NULL,
        policy         jsonb NOT NULL,
        requested_at   timestamptz NOT NULL,
        started_at     timestamptz,
        finished_at    timestamptz,
        failed_at      timestamptz,
        students_done  integer NOT NULL DEFAULT 0,
        students_total integer,
        result         jsonb,
        expires_at     timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX policy_previews_center_idx ON policy_previews (center_id, requested_at)`);
    await q.query(`CREATE INDEX policy_previews_expires_idx ON policy_previews (expires_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE policy_previews`);
  }
}
