/** The admin key generated on this start, and the file that keeps it. */
export interface GeneratedAdminKey {
  value: string;
  file: string;
}

const RULE = '─'.repeat(76);

/**
 * The block main.ts writes to stderr once the service listens: the last thing on the terminal, so a newcomer
 * finds the key without scrolling back through the JSON log, and outside the log stream (stdout), so log
 * shippers never receive it. The key sits alone on its line, to copy it with a double click.
 */
export function adminKeyNotice({ value, file }: GeneratedAdminKey, port: number): string {
  return [
    '',
    RULE,
    '  Generated ADMIN_API_KEY, shown only this once:',
    '',
    `      ${value}`,
    '',
    `  Kept in ${file} (mode 0600). Create a center with it: POST /v1/centers`,
    `  with Authorization: Bearer <this key>. API reference: http://localhost:${port}/docs`,
    RULE,
    '',
    '',
  ].join('\n');
}
