import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rules count a FAILED reminder as a spent nudge just like a SENT one, so the sweep replans the students
 * of both: the partial index behind that pick covers both states.
 */
export class ReplanFailedToo1764892800000 implements MigrationInterface {
  name = 'ReplanFailedToo1764892800000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX reminders_sent_unplanned_idx`);
    await q.query(
      `CREATE INDEX reminders_spent_unplanned_idx ON reminders (sent_at) WHERE status IN ('SENT', 'FAILED') AND replanned_at IS NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX reminders_spent_unplanned_idx`);
    await q.query(
      `CREATE INDEX reminders_sent_unplanned_idx ON reminders (sent_at) WHERE status = 'SENT' AND replanned_at IS NULL`,
    );
  }
}
