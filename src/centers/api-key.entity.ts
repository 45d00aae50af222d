import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A center's API key. Only a SHA-256 hash of the key is stored; the non-secret `prefix` (part of the key
 * itself) finds the row without scanning. Keys are 32 random bytes, so a fast hash is enough.
 */
@Entity({ name: 'api_keys' })
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'center_id', type: 'uuid' })
  centerId!: string;

  @Column({ type: 'varchar', length: 32 })
  prefix!: string;

  @Column({ name: 'key_hash', type: 'bytea', select: false })
  keyHash!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
