/**
 * The `COPY` ceiling of bench:engine and bench:ingest: rows a pass stored, read back (not timed), then written
 * with `COPY … FROM STDIN` into empty copies of their tables (`LIKE … INCLUDING ALL`: the same columns,
 * defaults, checks and indexes; no foreign keys or triggers), timed.
 */
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Rows of one table, in COPY's text format, and the copy they go into. */
export interface CopiedRows {
  table: string;
  columns: string[];
  rows: number;
  chunks: Buffer[];
}

/** The columns COPY can write (not generated ones), in table order. */
async function columnsOf(client: pg.ClientBase, table: string): Promise<string[]> {
  const { rows } = await client.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'
     ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((r) => r.column_name);
}

/**
 * Reads the rows of `table` that `where` selects (SQL over the table aliased `t`, no parameters: COPY takes
 * none) into memory, in COPY's text format.
 */
export async function readRows(client: pg.ClientBase, table: string, where: string): Promise<CopiedRows> {
  const columns = await columnsOf(client, table);
  const list = columns.map((c) => `t.${c}`).join(', ');
  const stream = client.query(copyTo(`COPY (SELECT ${list} FROM ${table} t WHERE ${where}) TO STDOUT`));
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return { table, columns, rows: stream.rowCount, chunks };
}

const copyName = (table: string) => `bench_copy_${table}`;

/**
 * Writes the rows with one COPY per table, one table after the other, into empty copies made beforehand (not
 * timed), which it drops afterwards. Returns the seconds the COPYs took (the rows written are checked).
 */
export async function copyIntoEmptyCopies(client: pg.ClientBase, all: CopiedRows[]): Promise<number> {
  for (const { table } of all) {
    await client.query(`DROP TABLE IF EXISTS ${copyName(table)}`);
    await client.query(`CREATE TABLE ${copyName(table)} (LIKE ${table} INCLUDING ALL)`);
  }
  await checkpoint(client);
  try {
    let seconds = 0;
    for (const { table, columns, rows, chunks } of all) {
      const target = client.query(copyFrom(`COPY ${copyName(table)} (${columns.join(', ')}) FROM STDIN`));
      const started = performance.now();
      await pipeline(Readable.from(chunks), target);
      seconds += (performance.now() - started) / 1000;
      if (target.rowCount !== rows)
        throw new Error(`COPY into ${copyName(table)} wrote ${target.rowCount} rows, expected ${rows}`);
    }
    return seconds;
  } finally {
    for (const { table } of all) await client.query(`DROP TABLE IF EXISTS ${copyName(table)}`);
  }
}

/**
 * A checkpoint before a timed phase, so one forced by the previous phase's writes does not land in it. Needs
 * superuser (or pg_checkpoint); skipped without.
 */
export async function checkpoint(client: pg.ClientBase): Promise<void> {
  await client.query('CHECKPOINT').catch(() => undefined);
}
