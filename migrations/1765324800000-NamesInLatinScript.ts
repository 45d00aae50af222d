import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contacts and students may carry their name as written in Latin script ("Taro Yamada"), which English drafts
 * use (issue 17, item 10). Optional: NULL when the portal gave none. A student's is wiped by erasure with
 * the rest of what identifies them.
 */
export class NamesInLatinScript1765324800000 implements MigrationInterface {
  name = 'NamesInLatinScript1765324800000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contacts ADD COLUMN name_latin varchar(200)`);
    await q.query(`ALTER TABLE students ADD COLUMN name_latin varchar(200)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE students DROP COLUMN name_latin`);
    await q.query(`ALTER TABLE contacts DROP COLUMN name_latin`);
  }
}
