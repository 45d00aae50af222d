import { markStopping, unlessStopping } from './shutdown-state.js';

/** Polls until `done()`, at most `ms` (no sleeping for luck: the grace is the behaviour under test). */
async function until(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('lost connections while the process stops', () => {
  // One module-wide state: the outage case runs first, before anything marks the process as stopping.
  it('reports a lost connection when the process is not stopping (an outage)', async () => {
    const calls: string[] = [];
    unlessStopping(
      () => calls.push('report'),
      () => calls.push('quiet'),
    );
    await until(() => calls.length > 0, 5_000);
    expect(calls).toEqual(['report']);
  });

  it('keeps quiet about a connection lost just before the stop signal was handled (Ctrl-C race)', async () => {
    // PostgreSQL, signalled with the service, closes the connection first; the service's handler runs after.
    const calls: string[] = [];
    unlessStopping(
      () => calls.push('report'),
      () => calls.push('quiet'),
    );
    markStopping();
    await until(() => calls.length > 0, 5_000);
    expect(calls).toEqual(['quiet']);
    unlessStopping(
      () => calls.push('report'),
      () => calls.push('quiet'),
    );
    expect(calls).toEqual(['quiet', 'quiet']); // once stopping, at once
  });
});
