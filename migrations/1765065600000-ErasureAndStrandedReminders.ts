import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure marks the webhook deliveries whose payload named an erased student (the payload is scrubbed, a
 * redelivery is refused with 410). The sweep looks for reminders claimed by the dispatcher whose deliveries
 * are gone (their endpoint was deleted); only claimed, still SCHEDULED reminders are indexed for it.
 */
export class ErasureAndStrandedReminders1765065600000 implements MigrationInterface {
  name = 'ErasureAndStrandedReminders1765065600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_deliveries ADD COLUMN erased_at timestamptz`);
    await q.query(
      `CREATE INDEX reminders_dispatched_idx ON reminders (dispatched_at) WHERE status = 'SCHEDULED' AND dispatched_at IS NOT NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX reminders_dispatched_idx`);
    await q.query(`ALTER TABLE webhook_deliveries DROP COLUMN erased_at`);
  }
}
