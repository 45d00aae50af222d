import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadConfig } from './config.js';
import { ensureSecrets } from './secrets.js';

const freshDataDir = () => mkdtempSync(path.join(tmpdir(), 'cfu-secrets-'));

describe('ensureSecrets', () => {
  it('generates strong secrets once, keeps them with mode 0600, and reports only new ones', async () => {
    const config = loadConfig({ DATA_DIR: freshDataDir() });
    const generated: string[] = [];
    const first = await ensureSecrets(config, (name) => generated.push(name));
    expect(generated.sort()).toEqual(['adminApiKey', 'advisorJwtSecret', 'encryptionKey']);
    expect(first.adminApiKey).toMatch(/^adm_[A-Za-z0-9_-]{43}$/);
    expect(first.encryptionKey).toHaveLength(32);
    for (const file of ['admin-api-key', 'advisor-jwt-secret', 'encryption-key']) {
      expect(statSync(path.join(config.dataDir, 'secrets', file)).mode & 0o777).toBe(0o600);
    }

    const again: string[] = [];
    const second = await ensureSecrets(config, (name) => again.push(name));
    expect(again).toEqual([]);
    expect(second).toEqual(first);
  });

  it('prefers the environment and writes nothing for variables that are set', async () => {
    const dataDir = freshDataDir();
    const config = loadConfig({
      DATA_DIR: dataDir,
      ADMIN_API_KEY: 'k'.repeat(40),
      ADVISOR_JWT_SECRET: 's'.repeat(40),
      ENCRYPTION_KEY: 'ab'.repeat(32),
    });
    const secrets = await ensureSecrets(config, () => {
      throw new Error('nothing should be generated');
    });
    expect(secrets.adminApiKey).toBe('k'.repeat(40));
    expect(secrets.encryptionKey.equals(Buffer.from('ab'.repeat(32), 'hex'))).toBe(true);
  });

  it('gives processes starting together on one DATA_DIR the same secrets', async () => {
    const config = loadConfig({ DATA_DIR: freshDataDir() });
    const results = await Promise.all([1, 2, 3, 4].map(() => ensureSecrets(config, () => undefined)));
    for (const result of results) expect(result).toEqual(results[0]);
    const stored = readFileSync(path.join(config.dataDir, 'secrets', 'admin-api-key'), 'utf8').trim();
    expect(stored).toBe(results[0].adminApiKey);
  });
});
