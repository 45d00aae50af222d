import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A fenced code block of a Markdown page: its language, the rest of its info string as flags, its text. */
export interface DocBlock {
  file: string;
  line: number;
  lang: string;
  meta: Record<string, string>;
  code: string;
  /** For a graphql block: the `json variables` block that follows it. */
  variables?: string;
}

/** Every fenced block of a page, in order; a `json variables` block is attached to the graphql block before it. */
export function readBlocks(file: string): DocBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S+)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    const meta: Record<string, string> = {};
    for (const word of open[2].split(/\s+/).filter(Boolean)) {
      const [key, ...value] = word.split('=');
      meta[key] = value.join('=') || 'true';
    }
    const block: DocBlock = { file, line: start + 1, lang: open[1], meta, code: body.join('\n') + '\n' };
    const previous = blocks.at(-1);
    if (block.lang === 'json' && meta.variables && previous?.lang === 'graphql') {
      previous.variables = block.code;
      continue;
    }
    blocks.push(block);
  }
  return blocks;
}

const STATUS_MARK = '__DOCS_HTTP_STATUS__';

/**
 * Runs a shell block the way a reader would in one terminal session: bash with `set -euo pipefail`, the
 * variables and functions earlier blocks defined and the directory they left it in (kept in `stateFile`),
 * and every curl reporting its HTTP status on stderr. `transient` variables are given to this block only.
 */
function script(code: string, stateFile: string, transient: string[] = []): string {
  return [
    'set -euo pipefail',
    `if [ -f '${stateFile}' ]; then source '${stateFile}'; fi`,
    `curl() { command curl "$@" -w '%{stderr}\\n${STATUS_MARK} %{http_code}\\n'; }`,
    code,
    ...transient.map((name) => `unset ${name}`),
    `{ export -p; declare -f; printf 'cd %q\\n' "$PWD"; } > '${stateFile}'`,
  ].join('\n');
}

export interface ShellResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The HTTP status of each curl the block ran, in order. */
  statuses: number[];
}

export function runShell(
  code: string,
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    stateFile: string;
    timeoutMs?: number;
    /** Variables of `env` this block alone gets: not kept for the blocks after it. */
    transient?: string[];
  },
): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script(code, options.stateFile, options.transient)], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      const statuses = [...stderr.matchAll(new RegExp(`${STATUS_MARK} (\\d+)`, 'g'))].map((m) =>
        Number(m[1]),
      );
      stderr = stderr.replace(new RegExp(`\\n?${STATUS_MARK} \\d+\\n`, 'g'), '');
      resolve({ exitCode, stdout, stderr, statuses });
    });
  });
}

/**
 * A block marked `background`: a second terminal, so it starts afresh (in `cwd`, with only `env`, none of the
 * first session's variables), in its own process group so that it and its children can be stopped.
 */
export function startShell(
  code: string,
  options: { cwd: string; env: NodeJS.ProcessEnv },
): { child: ChildProcess; output: string[]; stop: () => Promise<void> } {
  const child = spawn('bash', ['-c', `set -euo pipefail\n${code}`], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    child,
    output,
    stop: async () => {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
      await exited;
    },
  };
}

/** The value of a variable the blocks exported so far (`PWD`: the directory the session is in). */
export async function shellVariable(name: string, cwd: string, stateFile: string): Promise<string> {
  const result = await runShell(`printf '%s' "\${${name}:-}"`, {
    cwd,
    env: { PATH: process.env.PATH },
    stateFile,
  });
  return result.stdout;
}

/**
 * The docs test's stand-in for `npm` (there is no registry in tests): `npm init -y` writes a package.json,
 * `npm install <package>…` links each package from the checkout's node_modules (the versions its lockfile
 * pins), and both refuse to run inside a checkout, where they would rewrite the service's package.json.
 */
export function npmStandIn(root: string, checkouts: string[]): string {
  const inside = checkouts.map((dir) => `"${dir}" | "${dir}"/*`).join(' | ');
  return `#!/usr/bin/env bash
set -euo pipefail
case "$PWD" in ${inside})
  echo "npm: not inside the service's checkout ($PWD): it would rewrite its package.json" >&2; exit 1 ;;
esac
case "\${1:-}" in
  init)
    [ -f package.json ] || printf '{ "name": "%s", "version": "1.0.0", "private": true }\\n' "$(basename "$PWD")" > package.json
    cat package.json ;;
  install | i)
    shift
    for name in "$@"; do
      case "$name" in -*) continue ;; esac
      if [ ! -d "${root}/node_modules/$name" ]; then echo "npm: $name is not in the checkout's node_modules" >&2; exit 1; fi
      mkdir -p "node_modules/$(dirname "$name")"
      ln -sfn "${root}/node_modules/$name" "node_modules/$name"
      echo "added $name (linked from the checkout's node_modules)"
    done ;;
  *) echo "npm \${1:-}: not available in the docs test" >&2; exit 1 ;;
esac
`;
}

/** The fields of a JSON value as paths (`data.items[].draft.subject`), for comparing an example with the real thing. */
export function fieldPaths(value: unknown, prefix = ''): Set<string> {
  const paths = new Set<string>();
  if (Array.isArray(value)) {
    for (const item of value) for (const path of fieldPaths(item, `${prefix}[]`)) paths.add(path);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      paths.add(path);
      for (const inner of fieldPaths(child, path)) paths.add(inner);
    }
  }
  return paths;
}

/** `a.b.0.c` of a parsed JSON value. */
export function valueAt(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (v, key) => (v === null || v === undefined ? v : (v as Record<string, unknown>)[key]),
      value,
    );
}
