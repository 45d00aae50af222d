// Reference implementation (test-only, excluded from the build): the luxon rules as they were before the
// millisecond rewrite, kept verbatim as the oracle that matches-reference.spec.ts compares the engine with.
import { createHash } from 'node:crypto';

/**
 * A UUID derived from a stable key (name-based, SHA-1, like RFC 9562 v5), so recomputing the same facts gives
 * the same gap and reminder ids and writes become idempotent.
 */
export function stableId(key: string): string {
  const hash = createHash('sha1').update(key, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
