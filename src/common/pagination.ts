import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ValidationFailedError } from './app-error.js';
import { EXTERNAL_ID_PATTERN } from './external-id.js';
import { isUuid } from './uuid.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
/** Far above what encodeCursor makes of the longest key (an external id of 128 characters). */
export const MAX_CURSOR_LENGTH = 400;

export class ListQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Cursors are opaque to clients: the external id of the last item, base64url-encoded. Pages are ordered by
 * external id (immutable), so a walk never skips or repeats an item, whatever is inserted meanwhile.
 */
export function encodeCursor(lastKey: string): string {
  return Buffer.from(JSON.stringify({ after: lastKey }), 'utf8').toString('base64url');
}

export const BAD_CURSOR_MESSAGE = 'is not a cursor this API returned';

function badCursor(): ValidationFailedError {
  return new ValidationFailedError([{ path: 'cursor', message: BAD_CURSOR_MESSAGE }]);
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The key a cursor holds, checked completely before it reaches SQL: canonical base64url of UTF-8 JSON that is
 * exactly `{"after": <string>}`, the string one `isKey` accepts. Anything else (a NUL the text column cannot
 * take, a date PostgreSQL cannot cast, …) is the same 400 naming `cursor`, never an SQL error. By default
 * the key is an external id, as selectPage's lists use.
 */
export function decodeCursor(
  cursor: string | undefined,
  isKey: (key: string) => boolean = (key) => EXTERNAL_ID_PATTERN.test(key),
): string | null {
  if (cursor === undefined) return null;
  // Buffer.from skips characters that are not base64url; re-encoding shows whether any were there.
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor))
    throw badCursor();
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.toString('base64url') !== cursor) throw badCursor();
  let decoded: unknown;
  try {
    decoded = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    throw badCursor();
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw badCursor();
  const keys = Object.keys(decoded);
  const after = (decoded as { after?: unknown }).after;
  if (keys.length !== 1 || keys[0] !== 'after' || typeof after !== 'string' || !isKey(after))
    throw badCursor();
  return after;
}

/**
 * SQL for the key of a row in a list ordered by (instant, id): `<instant>|<id>`, the instant in UTC with its
 * microseconds. Rows inserted together share one instant; a key cut to milliseconds would sort after all of
 * them and make the next page skip the rest of that instant.
 */
export function instantIdKeySql(instantColumn: string, idColumn: string): string {
  return `to_char(${instantColumn} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || ${idColumn}`;
}

/** A page of rows selected with an instantIdKeySql column named `key`, without that column. */
export function toInstantIdPage<T extends { key: string }>(rows: T[], limit: number): Page<Omit<T, 'key'>> {
  const page = toPage(rows, limit, (row) => row.key);
  return { items: page.items.map(({ key: _key, ...item }) => item), nextCursor: page.nextCursor };
}

/**
 * `YYYY-MM-DDTHH:MI:SS.US`, with `Z` from instantIdKeySql and without from a `timestamp` key; the year may
 * run past 9999 (PostgreSQL's to_char writes what is stored), but not past PostgreSQL's range.
 */
const KEY_INSTANT = /^(\d{4}|[1-9]\d{4,5})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?Z?$/;
const LAST_POSTGRES_YEAR = 294276;

/** An instant PostgreSQL casts to timestamp(tz) without error: Date.parse also takes what SQL refuses. */
export function isKeyInstant(value: string): boolean {
  const m = KEY_INSTANT.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return (
    year >= 1 &&
    year <= LAST_POSTGRES_YEAR &&
    monthDays !== undefined &&
    day >= 1 &&
    day <= monthDays &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59
  );
}

function isInstantIdKey(key: string): boolean {
  const parts = key.split('|');
  return parts.length === 2 && isKeyInstant(parts[0]) && isUuid(parts[1]);
}

/**
 * For lists keyed by instantIdKeySql: the position a cursor points after, checked before it reaches SQL (a
 * cursor that decodes but does not hold one is a 400 like any other bad cursor).
 */
export function decodeInstantIdCursor(cursor: string | undefined): { at: string | null; id: string | null } {
  const after = decodeCursor(cursor, isInstantIdKey);
  if (after === null) return { at: null, id: null };
  const [at, id] = after.split('|');
  return { at, id };
}

/** Query one row more than asked, to know whether there is a next page without a count. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? encodeCursor(keyOf(items[items.length - 1])) : null;
  return { items, nextCursor };
}

/**
 * Runs `select` (which must end in a WHERE clause and alias the key column as "externalId") as one keyset
 * page: `… AND <key> > cursor ORDER BY <key> LIMIT limit + 1`.
 */
export async function selectPage<T extends { externalId: string }>(
  query: (sql: string, params: unknown[]) => Promise<T[]>,
  select: string,
  params: unknown[],
  keyColumn: string,
  list: ListQuery,
): Promise<Page<T>> {
  const limit = list.limit ?? DEFAULT_PAGE_SIZE;
  const after = decodeCursor(list.cursor);
  const n = params.length;
  const rows = await query(
    `${select} AND ($${n + 1}::text IS NULL OR ${keyColumn} > $${n + 1}) ORDER BY ${keyColumn} LIMIT $${n + 2}`,
    [...params, after, limit + 1],
  );
  return toPage(rows, limit, (row) => row.externalId);
}

/**
 * selectPage for lists ordered by (instant, id), oldest first: `SELECT <columns>, <key> FROM <from> WHERE
 * <where> AND (instant, id) > cursor ORDER BY instant, id LIMIT limit + 1`, keyed by instantIdKeySql.
 */
export async function selectInstantIdPage<T>(
  query: (sql: string, params: unknown[]) => Promise<(T & { key: string })[]>,
  select: { columns: string; from: string; where: string; params: unknown[]; instant: string; id: string },
  list: ListQuery,
): Promise<Page<T>> {
  const limit = list.limit ?? DEFAULT_PAGE_SIZE;
  const after = decodeInstantIdCursor(list.cursor);
  const { columns, from, where, params, instant, id } = select;
  const n = params.length;
  const rows = await query(
    `SELECT ${columns}, ${instantIdKeySql(instant, id)} AS key FROM ${from}
     WHERE ${where} AND ($${n + 1}::timestamptz IS NULL OR (${instant}, ${id}) > ($${n + 1}::timestamptz, $${n + 2}::uuid))
     ORDER BY ${instant}, ${id} LIMIT $${n + 3}`,
    [...params, after.at, after.id, limit + 1],
  );
  return toInstantIdPage(rows, limit) as Page<T>;
}
