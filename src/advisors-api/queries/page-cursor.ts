import { isUuid } from '../../common/uuid.js';
import { badUserInput } from '../graphql-errors.js';

/** Where a page of studentsMissingFollowUps ends, and the snapshot every later page is read against. */
export interface PageCursor {
  /** Database time of the first page: gaps created later are left out, gaps closed later kept in. */
  asOf: string;
  /** The injected clock's instant of the first page, for urgency filters. */
  urgencyAt: string;
  sortKey: string;
  studentId: string;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** A UTC instant this API wrote: the right shape, and a real date (no 2026-02-30) in years 1–9999. */
function isInstant(value: unknown): value is string {
  if (typeof value !== 'string' || !INSTANT.test(value) || value.startsWith('0000')) return false;
  const parsed = new Date(value);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 19) === value.slice(0, 19);
}

export function encodePageCursor(cursor: PageCursor): string {
  const { asOf, urgencyAt, sortKey, studentId } = cursor;
  return Buffer.from(JSON.stringify([asOf, urgencyAt, sortKey, studentId]), 'utf8').toString('base64url');
}

/** Checked before anything reaches SQL: a forged or foreign cursor is BAD_USER_INPUT, never a 500. */
export function decodePageCursor(after: string): PageCursor {
  try {
    // Only the exact text encodePageCursor writes: Node's decoder skips characters that are not base64 and
    // takes standard base64 and padding too, so a cursor with junk in it would otherwise be read as valid.
    const json = Buffer.from(after, 'base64url').toString('utf8');
    if (Buffer.from(json, 'utf8').toString('base64url') !== after) throw new Error('not canonical');
    const parts: unknown = JSON.parse(json);
    if (Array.isArray(parts) && parts.length === 4) {
      const [asOf, urgencyAt, sortKey, studentId] = parts as unknown[];
      if ([asOf, urgencyAt, sortKey].every(isInstant) && isUuid(studentId)) {
        return { asOf, urgencyAt, sortKey, studentId } as PageCursor;
      }
    }
  } catch {
    // falls through to the error below
  }
  throw badUserInput('`after` is not a cursor this API returned.', 'after');
}
