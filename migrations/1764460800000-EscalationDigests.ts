import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per advisor and local day once that day's 09:00 digest has been decided (sent, or nothing new):
 * the primary key is what makes "never two digests for the same advisor and day" hold across workers.
 */
export class EscalationDigests1764460800000 implements MigrationInterface {
  name = 'EscalationDigests1764460800000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE escalation_digests (
        advisor_id   uuid NOT NULL REFERENCES advisors (id) ON DELETE CASCADE,
        local_date   date NOT NULL,
        center_id    uuid NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
        covers_until timestamptz NOT NULL,
        students     integer NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (advisor_id, local_date)
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE escalation_digests`);
  }
}
