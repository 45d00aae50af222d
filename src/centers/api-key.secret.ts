import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Center API keys look like `cfk_<prefix>_<secret>`: the prefix (not secret) finds the stored row,
 * the whole key is compared by SHA-256 hash.
 */
const KEY_PATTERN = /^cfk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  key: string;
  prefix: string;
  hash: Buffer;
}

export function generateApiKey(): NewApiKey {
  const prefix = randomBytes(6).toString('hex');
  const key = `cfk_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashSecret(key) };
}

export function parseApiKeyPrefix(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function hashesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
