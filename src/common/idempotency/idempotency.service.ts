import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { RUNTIME, type Runtime } from '../../config/runtime.js';
import { ConflictError, UnprocessableError } from '../app-error.js';
import { decrypt, encrypt } from '../crypto.js';

/** Keys are remembered this long (SPEC: a repeat within it replays the first response). */
export const IDEMPOTENCY_TTL = '24 hours';
/** A claim older than this with no response is from a process that died mid-request; it may be taken over. */
const ABANDONED_AFTER = '60 seconds';
/** How long a concurrent duplicate waits for the first request to finish before it gets a 409. */
const WAIT_FOR_FIRST_MS = 10_000;

export type IdempotencyClaim = { kind: 'owner' } | { kind: 'replay'; statusCode: number; body: unknown };

/**
 * Stores the first response to each (scope, Idempotency-Key) so a retry replays it. The row is claimed
 * before the request runs (INSERT … ON CONFLICT DO NOTHING), so concurrent duplicates cannot both run.
 * Responses are kept encrypted: they may contain a newly issued API key or personal data.
 */
@Injectable()
export class IdempotencyService {
  private readonly key: Buffer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(RUNTIME) runtime: Runtime,
  ) {
    this.key = runtime.secrets.encryptionKey;
  }

  async claim(scope: string, key: string, fingerprint: Buffer): Promise<IdempotencyClaim> {
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      await this.dataSource.query(
        `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2
           AND (created_at < now() - $3::interval OR (status_code IS NULL AND created_at < now() - $4::interval))`,
        [scope, key, IDEMPOTENCY_TTL, ABANDONED_AFTER],
      );
      const inserted: unknown[] = await this.dataSource.query(
        `INSERT INTO idempotency_keys (scope, key, fingerprint) VALUES ($1, $2, $3)
         ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
        [scope, key, fingerprint],
      );
      if (inserted.length === 1) return { kind: 'owner' };

      const [row] = await this.dataSource.query<
        { fingerprint: Buffer; status_code: number | null; response: Buffer | null }[]
      >(`SELECT fingerprint, status_code, response FROM idempotency_keys WHERE scope = $1 AND key = $2`, [
        scope,
        key,
      ]);
      if (!row) continue; // expired and deleted between our statements: claim again
      if (!row.fingerprint.equals(fingerprint)) {
        throw new UnprocessableError(
          'This Idempotency-Key was already used with a different request (method, path or body).',
        );
      }
      if (row.status_code !== null && row.response) {
        const body: unknown = JSON.parse(decrypt(this.key, row.response).toString('utf8'));
        return { kind: 'replay', statusCode: row.status_code, body };
      }
      if (Date.now() > deadline) {
        throw new ConflictError('A request with this Idempotency-Key is still in progress; retry it later.');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async complete(scope: string, key: string, statusCode: number, body: unknown): Promise<void> {
    const sealed = encrypt(this.key, Buffer.from(JSON.stringify(body ?? null), 'utf8'));
    await this.dataSource.query(
      `UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE scope = $1 AND key = $2`,
      [scope, key, statusCode, sealed],
    );
  }

  /** The request failed: forget the claim, so a corrected retry with the same key can run. */
  async release(scope: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status_code IS NULL`,
      [scope, key],
    );
  }

  async purgeExpired(): Promise<number> {
    const result = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM idempotency_keys WHERE created_at < now() - $1::interval`,
      [IDEMPOTENCY_TTL],
    );
    return result[1];
  }
}
