import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The length of a gap's DUE phase and of its LATE phase, in seconds (exact: no days, no DST). */
const SPANS = `(extract(epoch FROM (ideal_by - opens_at))), (extract(epoch FROM (overdue_at - ideal_by)))`;
/** The walk's other conditions, so rows they reject are skipped from the index alone. */
const INCLUDE = `id, opens_at, ideal_by, created_at`;

/**
 * The walks of "students missing follow-ups" for the filters AdvisorPageWalk left to skipping rows (issue
 * 15.1): kinds, urgencies other than OVERDUE alone, a graduation year within an advisor's caseload.
 *
 * Open gaps fall into classes: their kind and the lengths of their DUE and LATE phases, a handful per center
 * (one or two per kind and policy). Within a class a gap's urgency at instant t is a range of its overdue_at
 * alone: OVERDUE is overdue_at <= t, LATE is t < overdue_at <= t + late, DUE is t + late < overdue_at <=
 * t + late + due (before that the gap is not open yet). So a page walks each class and urgency asked for as
 * its own range in (overdue_at, student_id) order and merges them (missing-follow-ups.repository.ts): every
 * row read matches, whatever the filter. One index per scope: the center (director), an advisor's caseload,
 * a graduation year, both.
 *
 * The spans are expressions, not columns: no table rewrite, and the index includes opens_at and ideal_by, so
 * the walk stays an index-only scan. The statement must spell them exactly as SPANS does.
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
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const name of ['advisor_year_class', 'year_class', 'advisor_class', 'class'])
      await q.query(`DROP INDEX gaps_open_${name}_walk_idx`);
  }
}
