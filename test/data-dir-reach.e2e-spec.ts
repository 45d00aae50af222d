import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { listeningPort, spawnBuilt } from './helpers/server-process.js';

/**
 * DATA_DIR inside a folder only its owner may enter (as /root is in many containers). As root, the embedded
 * PostgreSQL runs as the `postgres` user, who cannot reach it: the service says so in one paragraph and exits
 * 78 before initdb. As any other user, PostgreSQL runs as that user, who owns the folder: it just starts.
 */
describe('DATA_DIR inside a folder only its owner may enter', () => {
  const parent = mkdtempSync(path.join(tmpdir(), 'cfu-owner-only-'));
  chmodSync(parent, 0o700);
  const dataDir = path.join(parent, 'data');
  const env = { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' };
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it(
    process.getuid?.() === 0
      ? 'as root: refused before initdb, with what to do and no stack trace'
      : 'as another user: starts, since PostgreSQL runs as that user',
    async () => {
      expect(statSync(parent).uid).toBe(process.getuid?.());
      const server = spawnBuilt('src/main.js', env);
      if (process.getuid?.() !== 0) {
        await listeningPort(server);
        server.child.kill('SIGTERM');
        expect(await server.exited).toBe(0);
        return;
      }

      expect(await server.exited).toBe(78);
      const message = server.stderr.join('\n').trim();
      expect(message).toContain(
        `may not enter ${parent} (mode 0700, owner uid 0), which holds DATA_DIR (${dataDir})`,
      );
      expect(message).toContain('"postgres" user');
      expect(message).toContain('DATA_DIR=/var/lib/career-followup');
      expect(message).toContain('non-root user');
      expect(message).not.toMatch(/\n|^\s+at /m); // one paragraph, no stack
      // Refused before initdb: no cluster, not even a half-made one, was left in DATA_DIR.
      expect(readdirSync(dataDir).filter((name) => name.startsWith('postgres'))).toEqual([]);
      expect(server.stdout.join('\n')).not.toContain('initialising embedded PostgreSQL');
    },
    90_000,
  );
});
