import { jest } from '@jest/globals';
import type { Queue } from 'bullmq';
import { keepJobSchedulers } from './kept-job-schedulers.js';

/** A queue that only keeps which schedulers exist (no BullMQ, so fake timers are safe here). */
function fakeQueue() {
  const present = new Set<string>();
  const queue = {
    name: 'reminders',
    upsertJobScheduler: (id: string) => Promise.resolve(present.add(id)),
    getJobScheduler: (id: string) => Promise.resolve(present.has(id) ? { id } : undefined),
  } as unknown as Queue;
  return { queue, present };
}

describe('keepJobSchedulers', () => {
  afterEach(() => jest.useRealTimers());

  it('checks twice per interval, so a scheduler lost right after a check is back half an interval later', async () => {
    jest.useFakeTimers();
    const { queue, present } = fakeQueue();
    const stop = await keepJobSchedulers(
      queue,
      [{ id: 'reminder-sweep', everyMs: 30_000, jobName: 'sweep', opts: {} }],
      30_000,
    );
    expect(present.has('reminder-sweep')).toBe(true);
    present.delete('reminder-sweep'); // as a flushed Redis would lose it
    await jest.advanceTimersByTimeAsync(15_000);
    expect(present.has('reminder-sweep')).toBe(true);
    stop();
  });
});
