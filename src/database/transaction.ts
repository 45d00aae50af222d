import type { DataSource, EntityManager } from 'typeorm';

type AfterCommit = () => Promise<void>;
const afterCommitCallbacks = new WeakMap<EntityManager, AfterCommit[]>();

/**
 * Runs `callback` once the transaction of `manager` has committed (side effects after commit, e.g. enqueueing
 * jobs); never if it rolls back. Outside transactionWithRetry it is dropped, and the periodic sweep does the work.
 */
export function afterCommit(manager: EntityManager, callback: AfterCommit): void {
  afterCommitCallbacks.get(manager)?.push(callback);
}

/** Deadlock detected, serialization failure: the transaction did nothing and may simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 4;

/**
 * A transaction that is retried when PostgreSQL aborted it for a deadlock or serialization failure, which
 * concurrent batches touching the same students can cause however carefully rows are ordered. The work must
 * have no side effects outside the transaction.
 */
export async function transactionWithRetry<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const callbacks: AfterCommit[] = [];
    try {
      const result = await dataSource.transaction((manager) => {
        afterCommitCallbacks.set(manager, callbacks);
        return work(manager);
      });
      // Side effects after commit; a failure here only delays work until the next sweep.
      for (const callback of callbacks) await callback().catch(() => undefined);
      return result;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 50));
    }
  }
}
