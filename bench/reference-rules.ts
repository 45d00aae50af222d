/**
 * Shared by bench:rules and bench:engine: the reference implementation of the follow-up rules (the luxon rules
 * kept as the tests' oracle), loaded outside the build, and the timing that alternates it with the engine so
 * load from other processes on a shared machine falls on both alike.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import ts from 'typescript';
import type { StudentFacts } from '../src/follow-ups/domain/facts.js';
import type { Policy } from '../src/follow-ups/domain/policy.js';

export type Plan = (facts: StudentFacts, policy: Policy, now: Date) => unknown;

/**
 * Transpiles the test-only reference (src/follow-ups/domain/reference/*.oracle.ts), which is not part of the
 * build, into a temporary directory and imports its planStudent.
 */
export async function loadReference(): Promise<{ plan: Plan; dispose: () => Promise<void> }> {
  const sources = fileURLToPath(new URL('../../src/follow-ups/domain/reference/', import.meta.url));
  const out = await mkdtemp(join(tmpdir(), 'rules-reference-'));
  const luxon = import.meta.resolve('luxon');
  await writeFile(join(out, 'package.json'), '{ "type": "module" }');
  for (const file of (await readdir(sources)).filter((f) => f.endsWith('.oracle.ts'))) {
    const { outputText } = ts.transpileModule(await readFile(join(sources, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    await writeFile(
      join(out, file.replace(/\.ts$/, '.js')),
      outputText.replaceAll("from 'luxon'", `from '${luxon}'`),
    );
  }
  const module = (await import(join(out, 'plan.oracle.js'))) as { planStudent: Plan };
  return { plan: module.planStudent, dispose: () => rm(out, { recursive: true, force: true }) };
}

export const BLOCK = 250;

/**
 * One round over every student, the two implementations taking turns block by block (250 students each, the
 * order swapped every block), so load from other processes on a shared machine falls on both alike. Returns
 * the seconds each spent.
 */
export function round(
  engine: Plan,
  reference: Plan,
  facts: readonly StudentFacts[],
  policy: Policy,
  now: Date,
): { engine: number; reference: number } {
  const seconds = { engine: 0, reference: 0 };
  for (let from = 0; from < facts.length; from += BLOCK) {
    const block = facts.slice(from, from + BLOCK);
    const turns =
      (from / BLOCK) % 2 === 0 ? (['reference', 'engine'] as const) : (['engine', 'reference'] as const);
    for (const which of turns) {
      const plan = which === 'engine' ? engine : reference;
      const started = performance.now();
      for (const studentFacts of block) plan(studentFacts, policy, now);
      seconds[which] += (performance.now() - started) / 1000;
    }
  }
  return seconds;
}

/**
 * The plans as plain data, instants as epoch ms (the reference's are DateTimes, the engine's numbers), to check
 * both answer the same.
 */
export function plain(value: unknown): unknown {
  if (DateTime.isDateTime(value)) return value.toMillis();
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}
