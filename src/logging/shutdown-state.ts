/**
 * Whether the process is stopping. Once it is, lost database and queue connections are expected, not news: a
 * terminal's Ctrl-C signals the embedded PostgreSQL together with the service, so every connection reports
 * "terminating connection" while the service shuts down. Those reports drop to debug then, so a clean stop reads
 * as one (`shutting down` … `stopped`).
 */
let stopping = false;

export function markStopping(): void {
  stopping = true;
}

export function isStopping(): boolean {
  return stopping;
}
