import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the follow-up rules derive: gaps (missing follow-ups) and reminders (nudges), plus per-center policy
 * overrides and the state of a policy-triggered recompute. Gap and reminder ids are derived from stable
 * keys by the domain, so recomputing writes the same rows again.
 */
export class FollowUpEngine1764288000000 implements MigrationInterface {
  name = 'FollowUpEngine1764288000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gaps (
        id             uuid PRIMARY KEY,
        center_id      uuid NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
        student_id     uuid NOT NULL REFERENCES students (id),
        interaction_id uuid NOT NULL REFERENCES interactions (id),
        purpose        varchar(16) NOT NULL CHECK (purpose IN ('THANK_YOU', 'CHECK_IN')),
        sequence       smallint NOT NULL,
        opens_at       timestamptz NOT NULL,
        ideal_by       timestamptz NOT NULL,
        overdue_at     timestamptz NOT NULL,
        state          varchar(16) NOT NULL CHECK (state IN ('OPEN', 'SATISFIED', 'DISMISSED', 'CLOSED')),
        state_reason   text,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX gaps_student_id_idx ON gaps (student_id)`);
    // Advisors ask for open gaps by urgency: only open ones are indexed.
    await q.query(`CREATE INDEX gaps_open_idx ON gaps (center_id, overdue_at) WHERE state = 'OPEN'`);
    await q.query(`
      CREATE TABLE reminders (
        id            uuid PRIMARY KEY,
        center_id     uuid NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
        student_id    uuid NOT NULL REFERENCES students (id),
        scheduled_at  timestamptz NOT NULL,
        status        varchar(16) NOT NULL CHECK (status IN ('SCHEDULED', 'SENT', 'CANCELLED', 'SUPPRESSED', 'FAILED')),
        why           jsonb NOT NULL,
        cancel_reason text,
        sent_at       timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX reminders_student_id_idx ON reminders (student_id, scheduled_at)`);
    // The dispatcher looks for what is due and not done.
    await q.query(`CREATE INDEX reminders_due_idx ON reminders (scheduled_at) WHERE status = 'SCHEDULED'`);
    await q.query(`
      CREATE TABLE reminder_items (
        reminder_id    uuid NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
        gap_id         uuid NOT NULL REFERENCES gaps (id),
        nudge          smallint NOT NULL,
        PRIMARY KEY (reminder_id, gap_id)
      )`);
    await q.query(`CREATE INDEX reminder_items_gap_id_idx ON reminder_items (gap_id)`);
    await q.query(`
      CREATE TABLE center_policies (
        center_id         uuid NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
        kind              varchar(16) NOT NULL,
        first_nudge_after varchar(64) NOT NULL,
        ideal_within      varchar(64) NOT NULL,
        overdue_after     varchar(64) NOT NULL,
        check_ins         boolean NOT NULL,
        updated_at        timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (center_id, kind)
      )`);
    await q.query(`
      CREATE TABLE policy_recomputes (
        center_id     uuid PRIMARY KEY REFERENCES centers (id) ON DELETE CASCADE,
        requested_at  timestamptz NOT NULL,
        started_at    timestamptz,
        finished_at   timestamptz,
        students_done integer NOT NULL DEFAULT 0
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of ['policy_recomputes', 'center_policies', 'reminder_items', 'reminders', 'gaps']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
