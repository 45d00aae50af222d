import pg from 'pg';

/**
 * Every pg client has an `error` listener while it connects, runs and ends, whoever created it.
 *
 * BullMQ's PostgreSQL backend attaches its listener to its LISTEN client only after `await client.connect()`,
 * and removes every listener before it ends that client on close. When PostgreSQL goes down at the same moment
 * (Ctrl-C in a terminal signals the whole process group, the embedded PostgreSQL included), the server's
 * 57P01 "terminating connection" can arrive in either window: with no listener, Node throws "Unhandled 'error'
 * event" and the process dies without shutting down. The owners' own listeners still get every error; this
 * one only keeps an error nobody listens for from killing the process.
 */
function keepAnErrorListener(client: pg.Client): void {
  if (client.listenerCount('error') === 0) client.on('error', () => undefined);
}

type Method = (this: pg.Client, ...args: unknown[]) => unknown;
const prototype = pg.Client.prototype as unknown as Record<'connect' | 'end', Method>;
for (const name of ['connect', 'end'] as const) {
  const original = prototype[name];
  prototype[name] = function (this: pg.Client, ...args: unknown[]) {
    keepAnErrorListener(this);
    return original.apply(this, args);
  };
}
