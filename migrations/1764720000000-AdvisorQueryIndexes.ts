import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for "students missing follow-ups" at the size of a large university (bench:advisors):
 *
 * - Open gaps by (center, student, overdue_at) carrying every column the query filters on, so both plans read
 *   only open gaps, from the index alone: one probe per student for an advisor's caseload, one ordered scan of
 *   the center for a director. It replaces gaps_open_student_idx, which had no center and made the query read
 *   each student's closed gaps from the heap too.
 * - Resolved gaps by (center, updated_at), for the snapshot's other half: gaps resolved after a first page was
 *   read stay on later pages. Normally none or few, so that half costs one short index range.
 */
export class AdvisorQueryIndexes1764720000000 implements MigrationInterface {
  name = 'AdvisorQueryIndexes1764720000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX gaps_open_center_student_idx ON gaps (center_id, student_id, overdue_at)
       INCLUDE (opens_at, ideal_by, created_at, interaction_id) WHERE state = 'OPEN'`,
    );
    await q.query(
      `CREATE INDEX gaps_resolved_updated_idx ON gaps (center_id, updated_at) WHERE state <> 'OPEN'`,
    );
    await q.query(`DROP INDEX gaps_open_student_idx`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX gaps_open_student_idx ON gaps (student_id, overdue_at) INCLUDE (opens_at, created_at) WHERE state = 'OPEN'`,
    );
    await q.query(`DROP INDEX gaps_resolved_updated_idx`);
    await q.query(`DROP INDEX gaps_open_center_student_idx`);
  }
}
