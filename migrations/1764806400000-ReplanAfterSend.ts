import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A sent reminder changes what the rules plan next (a gap's second nudge, a second check-in): the sweep
 * recomputes the student of every SENT reminder not yet replanned, and marks it so.
 */
export class ReplanAfterSend1764806400000 implements MigrationInterface {
  name = 'ReplanAfterSend1764806400000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reminders ADD COLUMN replanned_at timestamptz`);
    await q.query(
      `CREATE INDEX reminders_sent_unplanned_idx ON reminders (sent_at) WHERE status = 'SENT' AND replanned_at IS NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX reminders_sent_unplanned_idx`);
    await q.query(`ALTER TABLE reminders DROP COLUMN replanned_at`);
  }
}
