/**
 * Whether the process is stopping. Once it is, lost database and queue connections are expected, not news: a
 * terminal's Ctrl-C signals the embedded PostgreSQL together with the service, so every connection reports
 * "terminating connection" while the service shuts down. Those reports drop to debug then, so a clean stop reads
 * as one (`shutting down` … `stopped`).
 */
let stopping = false;

/**
 * How long a lost connection waits before it is reported. The terminal signals PostgreSQL and the service at
 * the same instant, and PostgreSQL's "terminating connection" can reach the event loop before the service's
 * own signal handler has run (seen under load in the Ctrl-C test); a moment later the service knows it is
 * stopping. An outage is reported that much later, which changes nothing for an operator.
 */
const SIGNAL_GRACE_MS = 500;

export function markStopping(): void {
  stopping = true;
}

/**
 * A lost connection: `quiet` if the process is stopping, now or within SIGNAL_GRACE_MS (the signal that stops
 * it may not have been handled yet), else `report`.
 */
export function unlessStopping(report: () => void, quiet: () => void): void {
  if (stopping) return quiet();
  setTimeout(() => (stopping ? quiet() : report()), SIGNAL_GRACE_MS).unref();
}
