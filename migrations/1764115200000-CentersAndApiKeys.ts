import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CentersAndApiKeys1764115200000 implements MigrationInterface {
  name = 'CentersAndApiKeys1764115200000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE centers (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name       varchar(200) NOT NULL,
        timezone   varchar(64)  NOT NULL,
        created_at timestamptz  NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        center_id  uuid         NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
        prefix     varchar(32)  NOT NULL,
        key_hash   bytea        NOT NULL,
        created_at timestamptz  NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    // Lookup by prefix on every request; the prefix is random, so it is unique.
    await q.query(`CREATE UNIQUE INDEX api_keys_prefix_key ON api_keys (prefix)`);
    await q.query(`CREATE INDEX api_keys_center_id_idx ON api_keys (center_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE centers`);
  }
}
