import { randomBytes } from 'node:crypto';
import { decrypt, encrypt } from '../common/crypto.js';

/** Standard Webhooks secrets: `whsec_` + base64 of 32 random bytes; the HMAC key is those bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function sealSecret(encryptionKey: Buffer, secret: string): Buffer {
  return encrypt(encryptionKey, Buffer.from(secret, 'utf8'));
}

export function openSecret(encryptionKey: Buffer, sealed: Buffer): string {
  return decrypt(encryptionKey, sealed).toString('utf8');
}
