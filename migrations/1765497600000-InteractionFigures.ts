import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * followUpStats read from figures kept with the data, not computed from every interaction of the range per
 * request (issue 15.4): at 100,000 students a director's month was 146,000 interactions, each with a look-up
 * of its gaps and of its follow-ups, 4–10 s.
 *
 * - interaction_figures: one narrow row per live interaction, with what the statistics read: its student's
 *   advisor, kind, end (ended_at, else occurred_at), whether it has a thank-you gap that is not CLOSED, and
 *   its first thank-you follow-up. A month is then one index range, read from the index alone.
 * - gaps.interaction_ended_at: the end of the gap's interaction, so a range's open and overdue gaps (which
 *   turn overdue with the clock, not with a write) are one range of an index over open gaps too.
 *
 * Triggers keep both, in the transaction of the write that changes them, whichever code path writes
 * (portal upserts, the recompute, erasure), as AdvisorPageWalk's copies are kept. The frequent cases (new
 * interactions, new thank-you gaps, new thank-you follow-ups) are one set-based statement per insert statement
 * (statement triggers over the inserted rows); the rare ones (an interaction edited or deleted, a gap closed or
 * moved, a follow-up edited or deleted) recompute that interaction's row from its sources.
 * interaction_figures holds no personal data (ids, a kind, instants) and its row goes with the interaction's
 * deletion or erasure.
 */
export class InteractionFigures1765497600000 implements MigrationInterface {
  name = 'InteractionFigures1765497600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE interaction_figures (
        interaction_id uuid PRIMARY KEY REFERENCES interactions (id) ON DELETE CASCADE,
        center_id uuid NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
        advisor_id uuid,
        kind varchar(16) NOT NULL,
        ended_at timestamptz NOT NULL,
        thank_you_gap boolean NOT NULL,
        first_thank_you_at timestamptz,
        -- What the statistics sort and compare, computed once per write instead of per row read.
        hours_to_thank_you float8 GENERATED ALWAYS AS (
          CASE WHEN thank_you_gap AND first_thank_you_at IS NOT NULL
               THEN greatest(date_part('epoch', first_thank_you_at - ended_at) / 3600, 0) END) STORED
      )`);
    // The row of one interaction from its sources: written when it is live, removed when it is not.
    await q.query(`
      CREATE FUNCTION interaction_figures_refresh(p_interaction uuid) RETURNS void LANGUAGE sql AS $$
        DELETE FROM interaction_figures f WHERE f.interaction_id = p_interaction
          AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.id = p_interaction AND i.deleted_at IS NULL);
        INSERT INTO interaction_figures AS f
          (interaction_id, center_id, advisor_id, kind, ended_at, thank_you_gap, first_thank_you_at)
        SELECT i.id, i.center_id, s.advisor_id, i.kind, coalesce(i.ended_at, i.occurred_at),
               EXISTS (SELECT 1 FROM gaps g WHERE g.student_id = i.student_id AND g.interaction_id = i.id
                       AND g.purpose = 'THANK_YOU' AND g.state <> 'CLOSED'),
               (SELECT min(u.sent_at) FROM follow_ups u
                WHERE u.interaction_id = i.id AND u.purpose = 'THANK_YOU' AND u.deleted_at IS NULL)
        FROM interactions i JOIN students s ON s.id = i.student_id
        WHERE i.id = p_interaction AND i.deleted_at IS NULL
        ON CONFLICT (interaction_id) DO UPDATE SET
          advisor_id = excluded.advisor_id, kind = excluded.kind,
          ended_at = excluded.ended_at, thank_you_gap = excluded.thank_you_gap,
          first_thank_you_at = excluded.first_thank_you_at
      $$`);
    await q.query(`
      INSERT INTO interaction_figures
        (interaction_id, center_id, advisor_id, kind, ended_at, thank_you_gap, first_thank_you_at)
      SELECT i.id, i.center_id, s.advisor_id, i.kind, coalesce(i.ended_at, i.occurred_at),
             EXISTS (SELECT 1 FROM gaps g WHERE g.student_id = i.student_id AND g.interaction_id = i.id
                     AND g.purpose = 'THANK_YOU' AND g.state <> 'CLOSED'),
             (SELECT min(u.sent_at) FROM follow_ups u
              WHERE u.interaction_id = i.id AND u.purpose = 'THANK_YOU' AND u.deleted_at IS NULL)
      FROM interactions i JOIN students s ON s.id = i.student_id WHERE i.deleted_at IS NULL`);
    await q.query(
      `CREATE INDEX interaction_figures_range_idx ON interaction_figures (center_id, ended_at)
       INCLUDE (advisor_id, kind, thank_you_gap, hours_to_thank_you)`,
    );
    await q.query(
      `CREATE INDEX interaction_figures_advisor_range_idx ON interaction_figures (center_id, advisor_id, ended_at)
       INCLUDE (kind, thank_you_gap, hours_to_thank_you)`,
    );

    // Interactions: new ones get their rows in one statement per insert statement (the portal's bulk writes
    // insert a thousand at a time; nothing refers to a new interaction yet, so no gap and no follow-up); a
    // changed one refreshes its row (a deleted one loses it).
    await q.query(`
      CREATE FUNCTION interactions_add_figures() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO interaction_figures
          (interaction_id, center_id, advisor_id, kind, ended_at, thank_you_gap, first_thank_you_at)
        SELECT n.id, n.center_id, s.advisor_id, n.kind, coalesce(n.ended_at, n.occurred_at), false, NULL
        FROM new_rows n JOIN students s ON s.id = n.student_id WHERE n.deleted_at IS NULL;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER interactions_figures_insert AFTER INSERT ON interactions
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION interactions_add_figures()`);
    await q.query(`
      CREATE FUNCTION interactions_refresh_figures() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM interaction_figures_refresh(NEW.id);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER interactions_figures_update AFTER UPDATE ON interactions
      FOR EACH ROW WHEN ((OLD.kind, OLD.occurred_at, OLD.ended_at, OLD.deleted_at, OLD.student_id)
                         IS DISTINCT FROM (NEW.kind, NEW.occurred_at, NEW.ended_at, NEW.deleted_at, NEW.student_id))
      EXECUTE FUNCTION interactions_refresh_figures()`);
    // Students: a new advisor moves the student's figures with them.
    await q.query(`
      CREATE FUNCTION students_push_figures_advisor() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Through the student's interactions (interactions_student_id_idx): an index of its own on the figures
        -- would be one more to write for every new interaction, for a rare change.
        UPDATE interaction_figures f SET advisor_id = NEW.advisor_id
        FROM interactions i WHERE i.student_id = NEW.id AND f.interaction_id = i.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER students_figures_advisor AFTER UPDATE OF advisor_id ON students
      FOR EACH ROW WHEN (OLD.advisor_id IS DISTINCT FROM NEW.advisor_id)
      EXECUTE FUNCTION students_push_figures_advisor()`);
    // Gaps: new thank-you gaps that are not CLOSED set the flag, in one statement per insert statement (the
    // recompute inserts a batch's gaps at once); any other change to one recomputes it.
    await q.query(`
      CREATE FUNCTION gaps_set_thank_you_figures() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE interaction_figures f SET thank_you_gap = true
        FROM (SELECT DISTINCT n.interaction_id FROM new_rows n WHERE n.purpose = 'THANK_YOU' AND n.state <> 'CLOSED') n
        WHERE f.interaction_id = n.interaction_id AND NOT f.thank_you_gap;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER gaps_thank_you_figure_insert AFTER INSERT ON gaps
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gaps_set_thank_you_figures()`);
    await q.query(`
      CREATE FUNCTION gaps_refresh_figures() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' THEN PERFORM interaction_figures_refresh(OLD.interaction_id); END IF;
        IF TG_OP = 'UPDATE' AND NEW.interaction_id <> OLD.interaction_id THEN
          PERFORM interaction_figures_refresh(NEW.interaction_id);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER gaps_thank_you_figure_update AFTER UPDATE ON gaps
      FOR EACH ROW WHEN ('THANK_YOU' IN (OLD.purpose, NEW.purpose)
                         AND ((OLD.state = 'CLOSED', OLD.purpose, OLD.interaction_id)
                              IS DISTINCT FROM (NEW.state = 'CLOSED', NEW.purpose, NEW.interaction_id)))
      EXECUTE FUNCTION gaps_refresh_figures()`);
    await q.query(`
      CREATE TRIGGER gaps_thank_you_figure_delete AFTER DELETE ON gaps
      FOR EACH ROW WHEN (OLD.purpose = 'THANK_YOU') EXECUTE FUNCTION gaps_refresh_figures()`);
    // Follow-ups: new thank-yous may be the first, set in one statement per insert statement; an edited or
    // deleted one recomputes the first.
    await q.query(`
      CREATE FUNCTION follow_ups_set_first_thank_you() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE interaction_figures f SET first_thank_you_at = n.sent_at
        FROM (SELECT n.interaction_id, min(n.sent_at) AS sent_at FROM new_rows n
              WHERE n.purpose = 'THANK_YOU' AND n.deleted_at IS NULL GROUP BY n.interaction_id) n
        WHERE f.interaction_id = n.interaction_id AND (f.first_thank_you_at IS NULL OR f.first_thank_you_at > n.sent_at);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER follow_ups_figures_insert AFTER INSERT ON follow_ups
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION follow_ups_set_first_thank_you()`);
    await q.query(`
      CREATE FUNCTION follow_ups_refresh_figures() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM interaction_figures_refresh(OLD.interaction_id);
        IF TG_OP = 'UPDATE' AND NEW.interaction_id <> OLD.interaction_id THEN
          PERFORM interaction_figures_refresh(NEW.interaction_id);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER follow_ups_figures_update AFTER UPDATE ON follow_ups
      FOR EACH ROW WHEN ('THANK_YOU' IN (OLD.purpose, NEW.purpose)
                         AND ((OLD.purpose, OLD.sent_at, OLD.deleted_at, OLD.interaction_id)
                              IS DISTINCT FROM (NEW.purpose, NEW.sent_at, NEW.deleted_at, NEW.interaction_id)))
      EXECUTE FUNCTION follow_ups_refresh_figures()`);
    await q.query(`
      CREATE TRIGGER follow_ups_figures_delete AFTER DELETE ON follow_ups
      FOR EACH ROW WHEN (OLD.purpose = 'THANK_YOU') EXECUTE FUNCTION follow_ups_refresh_figures()`);

    // The gap's copy of its interaction's end, kept as its kind is (AdvisorPageWalk's triggers, extended).
    await q.query(`ALTER TABLE gaps ADD COLUMN interaction_ended_at timestamptz`);
    await q.query(`
      UPDATE gaps g SET interaction_ended_at = coalesce(i.ended_at, i.occurred_at)
      FROM interactions i WHERE i.id = g.interaction_id`);
    await q.query(`
      CREATE OR REPLACE FUNCTION gaps_copy_filter_columns() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT s.advisor_id, s.graduation_year INTO NEW.advisor_id, NEW.graduation_year FROM students s WHERE s.id = NEW.student_id;
        SELECT i.kind, coalesce(i.ended_at, i.occurred_at) INTO NEW.kind, NEW.interaction_ended_at
        FROM interactions i WHERE i.id = NEW.interaction_id;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION interactions_push_gap_columns() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- By student first: gaps has no index on interaction_id, and a student has a handful of gaps.
        UPDATE gaps SET kind = NEW.kind, interaction_ended_at = coalesce(NEW.ended_at, NEW.occurred_at)
        WHERE student_id = NEW.student_id AND interaction_id = NEW.id;
        RETURN NULL;
      END $$`);
    // The recompute's insert brings the copies itself, set-based (gaps.repository.ts): a PL/pgSQL call per new
    // gap was most of a first recompute's time (bench:engine). The trigger fills in for any other writer.
    await q.query(`DROP TRIGGER gaps_filter_columns_insert ON gaps`);
    await q.query(`
      CREATE TRIGGER gaps_filter_columns_insert BEFORE INSERT ON gaps
      FOR EACH ROW WHEN (NEW.kind IS NULL OR NEW.interaction_ended_at IS NULL)
      EXECUTE FUNCTION gaps_copy_filter_columns()`);
    await q.query(`DROP TRIGGER interactions_gap_columns ON interactions`);
    await q.query(`
      CREATE TRIGGER interactions_gap_columns AFTER UPDATE OF kind, occurred_at, ended_at ON interactions
      FOR EACH ROW WHEN ((OLD.kind, coalesce(OLD.ended_at, OLD.occurred_at))
                         IS DISTINCT FROM (NEW.kind, coalesce(NEW.ended_at, NEW.occurred_at)))
      EXECUTE FUNCTION interactions_push_gap_columns()`);
    await q.query(
      `CREATE INDEX gaps_open_interaction_ended_idx ON gaps (center_id, interaction_ended_at)
       INCLUDE (advisor_id, opens_at, overdue_at) WHERE state = 'OPEN'`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX gaps_open_interaction_ended_idx`);
    await q.query(`DROP TRIGGER gaps_filter_columns_insert ON gaps`);
    await q.query(`
      CREATE TRIGGER gaps_filter_columns_insert BEFORE INSERT ON gaps
      FOR EACH ROW EXECUTE FUNCTION gaps_copy_filter_columns()`);
    await q.query(`DROP TRIGGER interactions_gap_columns ON interactions`);
    await q.query(`
      CREATE OR REPLACE FUNCTION interactions_push_gap_columns() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE gaps SET kind = NEW.kind WHERE student_id = NEW.student_id AND interaction_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER interactions_gap_columns AFTER UPDATE OF kind ON interactions
      FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind) EXECUTE FUNCTION interactions_push_gap_columns()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION gaps_copy_filter_columns() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT s.advisor_id, s.graduation_year INTO NEW.advisor_id, NEW.graduation_year FROM students s WHERE s.id = NEW.student_id;
        SELECT i.kind INTO NEW.kind FROM interactions i WHERE i.id = NEW.interaction_id;
        RETURN NEW;
      END $$`);
    await q.query(`ALTER TABLE gaps DROP COLUMN interaction_ended_at`);
    for (const [trigger, table] of [
      ['follow_ups_figures_delete', 'follow_ups'],
      ['follow_ups_figures_update', 'follow_ups'],
      ['follow_ups_figures_insert', 'follow_ups'],
      ['gaps_thank_you_figure_delete', 'gaps'],
      ['gaps_thank_you_figure_update', 'gaps'],
      ['gaps_thank_you_figure_insert', 'gaps'],
      ['students_figures_advisor', 'students'],
      ['interactions_figures_update', 'interactions'],
      ['interactions_figures_insert', 'interactions'],
    ])
      await q.query(`DROP TRIGGER ${trigger} ON ${table}`);
    for (const fn of [
      'follow_ups_refresh_figures',
      'follow_ups_set_first_thank_you',
      'gaps_refresh_figures',
      'gaps_set_thank_you_figures',
      'students_push_figures_advisor',
      'interactions_refresh_figures',
      'interactions_add_figures',
    ])
      await q.query(`DROP FUNCTION ${fn}()`);
    await q.query(`DROP FUNCTION interaction_figures_refresh(uuid)`);
    await q.query(`DROP TABLE interaction_figures`);
  }
}
