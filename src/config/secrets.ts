import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from './config.js';

export interface Secrets {
  adminApiKey: string;
  advisorJwtSecret: string;
  /** 32 raw bytes for AES-256-GCM. */
  encryptionKey: Buffer;
}

type SecretName = 'adminApiKey' | 'advisorJwtSecret' | 'encryptionKey';

const FILES: Record<SecretName, string> = {
  adminApiKey: 'admin-api-key',
  advisorJwtSecret: 'advisor-jwt-secret',
  encryptionKey: 'encryption-key',
};

const generators: Record<SecretName, () => string> = {
  adminApiKey: () => `adm_${randomBytes(32).toString('base64url')}`,
  advisorJwtSecret: () => randomBytes(48).toString('base64url'),
  encryptionKey: () => randomBytes(32).toString('base64'),
};

export function decodeEncryptionKey(value: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
}

/**
 * Reads each secret from the environment, else from DATA_DIR/secrets/<name> (mode 0600), else generates it
 * and keeps it there. Creation uses O_EXCL so processes starting together on one DATA_DIR agree on one value.
 * `onGenerated` is called only for values created now, so the admin key is printed exactly once.
 */
export async function ensureSecrets(
  config: AppConfig,
  onGenerated: (name: SecretName, value: string, file: string) => void,
): Promise<Secrets> {
  const dir = path.join(config.dataDir, 'secrets');
  const resolve = async (name: SecretName, fromEnv: string | undefined): Promise<string> => {
    if (fromEnv) return fromEnv;
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, FILES[name]);
    const value = generators[name]();
    try {
      await fs.writeFile(file, `${value}\n`, { flag: 'wx', mode: 0o600 });
      onGenerated(name, value, file);
      return value;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return readExisting(file);
    }
  };
  return {
    adminApiKey: await resolve('adminApiKey', config.adminApiKey),
    advisorJwtSecret: await resolve('advisorJwtSecret', config.advisorJwtSecret),
    encryptionKey: decodeEncryptionKey(await resolve('encryptionKey', config.encryptionKey)),
  };
}

/** Another process may have created the file a moment ago and not written it yet: wait briefly for content. */
async function readExisting(file: string): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = (await fs.readFile(file, 'utf8')).trim();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${file} is empty; delete it to generate a new secret`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
