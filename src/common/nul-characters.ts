import type { FieldError } from './app-error.js';

export const NUL_CHARACTER_MESSAGE = 'must not contain the NUL character (U+0000)';

/**
 * Where a request's strings hold U+0000, which PostgreSQL text cannot store: such input is refused up front,
 * naming the field, instead of failing inside SQL as a 500. Walks iteratively, so no nesting depth a JSON body
 * can have overflows the stack.
 */
export function nulCharacterErrors(value: unknown, path = ''): FieldError[] {
  const errors: FieldError[] = [];
  const pending: [unknown, string][] = [[value, path]];
  while (pending.length) {
    const [current, at] = pending.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) errors.push({ path: at, message: NUL_CHARACTER_MESSAGE });
    } else if (Array.isArray(current)) {
      current.forEach((item, i) => pending.push([item, `${at}[${i}]`]));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) pending.push([item, at ? `${at}.${key}` : key]);
    }
  }
  return errors.reverse();
}
