import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { HOUSEKEEPING_JOBS, QUEUES } from '../src/jobs/queue-names.js';
import { eventually, startTestApp, type TestApp } from './helpers/test-app.js';

describe('periodic jobs survive a lost queue store', () => {
  let worker: TestApp;
  beforeAll(async () => {
    // A database and queue namespace of its own: this worker sweeps every second.
    worker = await startTestApp({
      role: 'worker',
      isolated: true,
      env: { SWEEP_INTERVAL_SECONDS: '1' },
    });
  });
  afterAll(async () => {
    await worker.close();
  });

  it('re-creates the sweep, digest and housekeeping schedulers within a sweep interval when they vanish', async () => {
    const reminders = worker.app.get<Queue>(getQueueToken(QUEUES.reminders));
    const housekeeping = worker.app.get<Queue>(getQueueToken(QUEUES.housekeeping));
    const schedulers: [Queue, string][] = [
      [reminders, 'reminder-sweep'],
      [reminders, 'escalation-digests'],
      ...Object.values(HOUSEKEEPING_JOBS).map((name): [Queue, string] => [housekeeping, name]),
    ];
    for (const [queue, id] of schedulers) {
      expect(await queue.getJobScheduler(id)).toBeDefined();
      expect(await queue.removeJobScheduler(id)).toBe(true); // as a flushed Redis would lose them
    }
    for (const [queue, id] of schedulers) {
      await eventually(async () => ((await queue.getJobScheduler(id)) ? true : undefined), 10_000, id);
    }
    expect(worker.logs.join('\n')).toContain('job scheduler was missing');
  });

  it('resumes a center recompute whose job was lost', async () => {
    const db = worker.app.get(DataSource);
    const [center] = await db.query<{ id: string }[]>(
      `INSERT INTO centers (name, timezone) VALUES ('テスト大学', 'Asia/Tokyo') RETURNING id`,
    );
    // Requested two minutes ago, and no job for it anywhere: as after a Redis flush or a failed enqueue.
    await db.query(
      `INSERT INTO policy_recomputes (center_id, requested_at) VALUES ($1, now() - interval '2 minutes')`,
      [center.id],
    );
    await eventually(
      async () => {
        const [run] = await db.query<{ finished_at: Date | null }[]>(
          `SELECT finished_at FROM policy_recomputes WHERE center_id = $1`,
          [center.id],
        );
        return run.finished_at ? true : undefined;
      },
      15_000,
      'the recompute to finish',
    );
    expect(worker.logs.join('\n')).toContain('resumed unfinished center recomputes');
  });
});
