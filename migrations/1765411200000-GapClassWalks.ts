import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The length of a gap's DUE phase and of its LATE phase, in seconds (exact: no days, no DST). */
const SPANS = `(date_part('epoch', ideal_by - opens_at)), (date_part('epoch', overdue_at - ideal_by))`;
/** What the walk's other conditions read, so it stays an index-only scan. */
const INCLUDE = `id, opens_at, ideal_by, created_at`;
/** AdvisorPageWalk's single-run walks, which these replace. */
const SINGLE_RUN_WALKS = {
  gaps_open_walk_idx: `(center_id, overdue_at, student_id) INCLUDE (advisor_id, id, opens_at, ideal_by, created_at, kind, graduation_year)`,
  gaps_open_advisor_walk_idx: `(center_id, advisor_id, overdue_at, student_id) INCLUDE (id, opens_at, ideal_by, created_at, kind, graduation_year)`,
  gaps_open_year_walk_idx: `(center_id, graduation_year, overdue_at, student_id) INCLUDE (advisor_id, id, opens_at, ideal_by, created_at, kind, graduation_year)`,
};

/**
 * The walks of "students missing follow-ups" by gap class (issue 15.1), for every page: AdvisorPageWalk's
 * single-run walks skipped the rows a filter rejects (kinds, urgencies other than OVERDUE alone, a graduation
 * year within an advisor's caseload) and the gaps not open yet, so a page could read the whole scope.
 *
 * Open gaps fall into classes: their kind and the lengths of their DUE and LATE phases, a handful per center
 * (one or two per kind and policy). Within a class a gap's urgency at instant t is a range of its overdue_at
 * alone: OVERDUE is overdue_at <= t, LATE is t < overdue_at <= t + late, DUE is t + late < overdue_at <=
 * t + late + due (before that the gap is not open yet). So a page walks each class and urgency asked for as
 * its own range in (overdue_at, student_id) order and merges them (missing-follow-ups.repository.ts): every
 * row read matches, whatever the filter. One index per scope: the center (director), an advisor's caseload,
 * a graduation year, both. They replace the three single-run walks: each index on open gaps costs every
 * recompute that opens gaps (bench:engine), and seven were a third slower than four.
 *
 * The spans are expressions, not columns: no table rewrite, and the index includes opens_at and ideal_by, so
 * the walk stays an index-only scan. The statement must spell them exactly as SPANS does. date_part is exact
 * here: the same interval always gives the same float8, and seconds back to an interval round to the
 * microsecond it came from.
 */
export class GapClassWalks1765411200000 implements MigrationInterface {
  name = 'GapClassWalks1765411200000';

  public async up(q: QueryRunner): Promise<void> {
    const walk = (name: string, scope: string, include: string) =>
      q.query(
        `CREATE INDEX ${name} ON gaps (${scope}, kind, ${SPANS}, overdue_at, student_id)
         INCLUDE (${include}${INCLUDE}) WHERE state = 'OPEN'`,
      );
    await walk('gaps_open_class_walk_idx', 'center_id', 'advisor_id, graduation_year, ');
    await walk('gaps_open_advisor_class_walk_idx', 'center_id, advisor_id', 'graduation_year, ');
    await walk('gaps_open_year_class_walk_idx', 'center_id, graduation_year', 'advisor_id, ');
    await walk('gaps_open_advisor_year_class_walk_idx', 'center_id, advisor_id, graduation_year', '');
    for (const name of Object.keys(SINGLE_RUN_WALKS)) await q.query(`DROP INDEX ${name}`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const [name, definition] of Object.entries(SINGLE_RUN_WALKS))
      await q.query(`CREATE INDEX ${name} ON gaps ${definition} WHERE state = 'OPEN'`);
    for (const name of ['advisor_year_class', 'year_class', 'advisor_class', 'class'])
      await q.query(`DROP INDEX gaps_open_${name}_walk_idx`);
  }
}
