import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('the project runs on Node.js 24 LTS', () => {
  it('runs its scripts, this test included, on Node.js 24 even where the system Node.js is older', () => {
    // npm test reaches here through node_modules/.bin/node (the `node` dev dependency), not the system's.
    expect(process.versions.node.split('.')[0]).toBe('24');
  });

  it('says 24 wherever a runtime is chosen: engines, .nvmrc, the Dockerfile, the pinned binary', () => {
    const pkg = JSON.parse(read('package.json')) as {
      engines: { node: string };
      devDependencies: Record<string, string>;
      allowScripts: Record<string, boolean>;
    };
    expect(pkg.engines.node).toMatch(/^>=24\.\d+ <25$/);
    expect(pkg.devDependencies.node).toMatch(/^24\./);
    expect(pkg.allowScripts.node).toBe(true); // its install script fetches the platform's binary
    expect(read('.nvmrc').trim()).toBe('24');
    const froms = [...read('docker/Dockerfile').matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThan(0);
    for (const image of froms) expect(image).toMatch(/^node:24-/);
  });
});
