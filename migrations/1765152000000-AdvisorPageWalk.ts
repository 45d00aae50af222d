import type { MigrationInterface, QueryRunner } from 'typeorm';

const WALK_INCLUDE = `id, opens_at, ideal_by, created_at, kind, graduation_year`;

/**
 * "Students missing follow-ups" whose cost follows the page, not the center (issue 15). A page is read by
 * walking open gaps in its sort order, (overdue_at, student_id), and stopping once it has the page's
 * students; so every filter the walk needs must sit on the gap row, in the walked index:
 *
 * - gaps.advisor_id and gaps.graduation_year copy the student's, gaps.kind the interaction's. Triggers keep
 *   them, not the recompute: they follow the student and interaction rows they copy in the same transaction
 *   as any write to those, whichever code path writes (portal upserts, erasure, the recompute, which writes
 *   only the gap rows that changed and would miss an advisor change that leaves every deadline as it was).
 * - Walk indexes over open gaps, one per way a page is scoped: the center (director), an advisor's caseload
 *   (advisor, or advisorExternalId filter), a graduation year (director with that filter). Each includes the
 *   other filters' columns, so rows a filter rejects are skipped from the index alone.
 * - The per-student probe index (is there an earlier matching gap of this student?) gains id and kind.
 *
 * gaps_open_idx (center_id, overdue_at) is a prefix of the center walk index, which replaces it.
 */
export class AdvisorPageWalk1765152000000 implements MigrationInterface {
  name = 'AdvisorPageWalk1765152000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE gaps ADD COLUMN advisor_id uuid, ADD COLUMN graduation_year smallint, ADD COLUMN kind varchar(16)`,
    );
    await q.query(`
      UPDATE gaps g SET advisor_id = s.advisor_id, graduation_year = s.graduation_year, kind = i.kind
      FROM students s, interactions i WHERE s.id = g.student_id AND i.id = g.interaction_id`);
    // A new gap row, or one moved to another student or interaction, copies their columns.
    await q.query(`
      CREATE FUNCTION gaps_copy_filter_columns() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT s.advisor_id, s.graduation_year INTO NEW.advisor_id, NEW.graduation_year FROM students s WHERE s.id = NEW.student_id;
        SELECT i.kind INTO NEW.kind FROM interactions i WHERE i.id = NEW.interaction_id;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER gaps_filter_columns_insert BEFORE INSERT ON gaps
      FOR EACH ROW EXECUTE FUNCTION gaps_copy_filter_columns()`);
    await q.query(`
      CREATE TRIGGER gaps_filter_columns_update BEFORE UPDATE OF student_id, interaction_id ON gaps
      FOR EACH ROW WHEN (OLD.student_id IS DISTINCT FROM NEW.student_id OR OLD.interaction_id IS DISTINCT FROM NEW.interaction_id)
      EXECUTE FUNCTION gaps_copy_filter_columns()`);
    // A student's new advisor or graduation year, an interaction's new kind: its gaps follow.
    await q.query(`
      CREATE FUNCTION students_push_gap_columns() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE gaps SET advisor_id = NEW.advisor_id, graduation_year = NEW.graduation_year WHERE student_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER students_gap_columns AFTER UPDATE OF advisor_id, graduation_year ON students
      FOR EACH ROW WHEN (OLD.advisor_id IS DISTINCT FROM NEW.advisor_id OR OLD.graduation_year IS DISTINCT FROM NEW.graduation_year)
      EXECUTE FUNCTION students_push_gap_columns()`);
    await q.query(`
      CREATE FUNCTION interactions_push_gap_columns() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- By student first: gaps has no index on interaction_id, and a student has a handful of gaps.
        UPDATE gaps SET kind = NEW.kind WHERE student_id = NEW.student_id AND interaction_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER interactions_gap_columns AFTER UPDATE OF kind ON interactions
      FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind) EXECUTE FUNCTION interactions_push_gap_columns()`);

    await q.query(
      `CREATE INDEX gaps_open_walk_idx ON gaps (center_id, overdue_at, student_id)
       INCLUDE (advisor_id, ${WALK_INCLUDE}) WHERE state = 'OPEN'`,
    );
    await q.query(
      `CREATE INDEX gaps_open_advisor_walk_idx ON gaps (center_id, advisor_id, overdue_at, student_id)
       INCLUDE (${WALK_INCLUDE}) WHERE state = 'OPEN'`,
    );
    await q.query(
      `CREATE INDEX gaps_open_year_walk_idx ON gaps (center_id, graduation_year, overdue_at, student_id)
       INCLUDE (advisor_id, ${WALK_INCLUDE}) WHERE state = 'OPEN'`,
    );
    await q.query(`DROP INDEX gaps_open_idx`);
    // No JIT for this database's sessions. Every statement of the service is short, but a walk under a
    // filter that matches little (kinds: [OTHER]) is priced as the whole scope (the planner cannot tell the
    // walk stops early), past jit_above_cost at a few tens of thousands of students, and compiling it then
    // takes 0.4-0.5 s where running it takes tens of ms (bench:advisors). Only the database's owner may set
    // this: elsewhere the migration goes on without it and the operator sets jit = off (docs/benchmarks.md).
    await q.query(`
      DO $$ BEGIN
        EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
      EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'jit stays on: only the owner of the database can turn it off';
      END $$`);
    await q.query(`DROP INDEX gaps_open_center_student_idx`);
    await q.query(
      `CREATE INDEX gaps_open_center_student_idx ON gaps (center_id, student_id, overdue_at, id)
       INCLUDE (opens_at, ideal_by, created_at, interaction_id, kind) WHERE state = 'OPEN'`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        EXECUTE format('ALTER DATABASE %I RESET jit', current_database());
      EXCEPTION WHEN insufficient_privilege THEN NULL;
      END $$`);
    await q.query(`DROP INDEX gaps_open_center_student_idx`);
    await q.query(
      `CREATE INDEX gaps_open_center_student_idx ON gaps (center_id, student_id, overdue_at)
       INCLUDE (opens_at, ideal_by, created_at, interaction_id) WHERE state = 'OPEN'`,
    );
    await q.query(`CREATE INDEX gaps_open_idx ON gaps (center_id, overdue_at) WHERE state = 'OPEN'`);
    await q.query(`DROP INDEX gaps_open_year_walk_idx`);
    await q.query(`DROP INDEX gaps_open_advisor_walk_idx`);
    await q.query(`DROP INDEX gaps_open_walk_idx`);
    await q.query(`DROP TRIGGER interactions_gap_columns ON interactions`);
    await q.query(`DROP FUNCTION interactions_push_gap_columns()`);
    await q.query(`DROP TRIGGER students_gap_columns ON students`);
    await q.query(`DROP FUNCTION students_push_gap_columns()`);
    await q.query(`DROP TRIGGER gaps_filter_columns_update ON gaps`);
    await q.query(`DROP TRIGGER gaps_filter_columns_insert ON gaps`);
    await q.query(`DROP FUNCTION gaps_copy_filter_columns()`);
    await q.query(`ALTER TABLE gaps DROP COLUMN kind, DROP COLUMN graduation_year, DROP COLUMN advisor_id`);
  }
}
