import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Everything that looks for due reminders (the dispatcher's batch claim, the sweep, the scheduled-backlog
 * gauge) wants those not yet dispatched. Indexing only those keeps each claim from walking past every reminder
 * claimed earlier but not yet SENT (they stay SCHEDULED until their deliveries succeed), which made a drain of
 * many reminders due at once slower with every batch.
 */
export class UndispatchedRemindersIndex1764633600000 implements MigrationInterface {
  name = 'UndispatchedRemindersIndex1764633600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX reminders_undispatched_idx ON reminders (scheduled_at) WHERE status = 'SCHEDULED' AND dispatched_at IS NULL`,
    );
    await q.query(`DROP INDEX reminders_due_idx`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX reminders_due_idx ON reminders (scheduled_at) WHERE status = 'SCHEDULED'`);
    await q.query(`DROP INDEX reminders_undispatched_idx`);
  }
}
