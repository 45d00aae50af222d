import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { RUNTIME, type Runtime } from '../../config/runtime.js';
import { ConflictError, ErasedError, UnprocessableError } from '../app-error.js';
import { decrypt, encrypt } from '../crypto.js';
import {
  deleteClaim,
  deleteExpiredKeys,
  deleteStaleKey,
  findKey,
  insertKey,
  lockStoredResponses,
  markErased,
  storeResponse,
} from './idempotency.repository.js';

/** Keys are remembered this long (SPEC: a repeat within it replays the first response). */
export const IDEMPOTENCY_TTL = '24 hours';
/** A claim older than this with no response is from a process that died mid-request; it may be taken over. */
const ABANDONED_AFTER = '60 seconds';
/** How long a concurrent duplicate waits for the first request to finish before it gets a 409. */
const WAIT_FOR_FIRST_MS = 10_000;
/**
 * status_code of a key whose stored response named a student since erased: the response and fingerprint are
 * gone, and a retry with the key gets 410 (only 2xx responses are ever stored, so this cannot be a real one).
 */
const ERASED = 410;

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
      await deleteStaleKey(this.dataSource, scope, key, IDEMPOTENCY_TTL, ABANDONED_AFTER);
      if (await insertKey(this.dataSource, scope, key, fingerprint)) return { kind: 'owner' };

      const row = await findKey(this.dataSource, scope, key);
      if (!row) continue; // expired and deleted between our statements: claim again
      if (row.status_code === ERASED) {
        throw new ErasedError(
          'The response stored for this Idempotency-Key named a student who has since been erased; it is not replayed.',
        );
      }
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
    await storeResponse(this.dataSource, scope, key, statusCode, sealed);
  }

  /** The request failed: forget the claim, so a corrected retry with the same key can run. */
  async release(scope: string, key: string): Promise<void> {
    await deleteClaim(this.dataSource, scope, key);
  }

  /**
   * Erasure: every stored response of the scope (a center) with a string value equal to one of `values` (an
   * erased student's externalId, name, e-mail, notes…) is dropped, with its fingerprint (a hash of a request
   * that carried them), and the key answers 410 from then on. Responses are encrypted, so they are read
   * here; the rows are locked, within the caller's transaction.
   */
  async forgetResponsesNaming(
    manager: EntityManager,
    scope: string,
    values: readonly string[],
  ): Promise<number> {
    const wanted = new Set(values.filter((v) => v !== ''));
    if (wanted.size === 0) return 0;
    const rows = await lockStoredResponses(manager, scope, ERASED);
    const naming = rows
      .filter((row) => namesAny(JSON.parse(decrypt(this.key, row.response).toString('utf8')), wanted))
      .map((row) => row.key);
    if (naming.length === 0) return 0;
    await markErased(manager, scope, naming, ERASED);
    return naming.length;
  }

  /** Deletes keys past their time, in every scope (housekeeping). */
  purgeExpired(): Promise<number> {
    return deleteExpiredKeys(this.dataSource, IDEMPOTENCY_TTL);
  }
}

/** Whether any string in the JSON value (keys aside) is one of `wanted`. */
function namesAny(value: unknown, wanted: ReadonlySet<string>): boolean {
  if (typeof value === 'string') return wanted.has(value);
  if (Array.isArray(value)) return value.some((item) => namesAny(item, wanted));
  if (value !== null && typeof value === 'object')
    return Object.values(value).some((v) => namesAny(v, wanted));
  return false;
}
