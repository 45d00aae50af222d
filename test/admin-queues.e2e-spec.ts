import { mkdirSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { interactionBody, seedDirectory } from './helpers/fixtures.js';
import { createCenter, eventually, startTestApp, type TestApp } from './helpers/test-app.js';

/** Debian's Chromium (.ci/run installs it when missing); override with CHROMIUM_PATH. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = path.resolve(import.meta.dirname, '../test-results/admin-queues.png');

describe('queue dashboard at /admin/queues (real headless browser)', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  beforeAll(async () => {
    // An api process with a queue namespace of its own: nothing consumes the jobs, so they stay visible.
    t = await startTestApp({ role: 'api', queueNamespace: `dash_${process.pid}_${Date.now()}` });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('is refused without the admin key', async () => {
    for (const key of [undefined, 'wrong']) {
      const request = t.http.get('/admin/queues/api/queues');
      if (key) request.auth('ops', key);
      const response = await request.expect(401);
      expect(response.headers['www-authenticate']).toMatch(/^Basic /);
    }
  });

  it('shows each queue and the delayed reminder jobs by id, without personal data, and takes a screenshot', async () => {
    const center = await createCenter(t);
    await seedDirectory(t, center);
    // An interview an hour from now: its reminders wait as delayed jobs until their instant.
    await t.http
      .put('/v1/interactions/int-2')
      .set(center.auth)
      .send(
        interactionBody({ occurredAt: new Date(Date.now() + 3600_000).toISOString(), endedAt: undefined }),
      )
      .expect(201);
    const jobs = await eventually(
      async () => {
        const response = await t.http
          .get('/admin/queues/api/queues')
          .query({ activeQueue: 'reminders', status: 'delayed' })
          .set('Authorization', `Bearer ${t.runtime.secrets.adminApiKey}`)
          .expect(200);
        const reminders = (response.body.queues as { name: string; jobs: { id: string }[] }[]).find(
          (q) => q.name === 'reminders',
        );
        return reminders?.jobs.length ? reminders.jobs : undefined;
      },
      10_000,
      'a delayed reminder job',
    );

    const context = await browser.newContext({
      httpCredentials: { username: 'ops', password: t.runtime.secrets.adminApiKey },
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/admin/queues`);
    for (const queue of ['housekeeping', 'follow-ups', 'reminders', 'deliveries']) {
      await page.getByText(queue, { exact: true }).first().waitFor();
    }
    await page.goto(`${baseUrl}/admin/queues/queue/reminders?status=delayed`);
    await page.getByText(jobs[0].id).first().waitFor();
    const text = await page.locator('body').innerText();
    expect(text).not.toContain('山田'); // job payloads are ids only
    expect(text).not.toContain('@student.example.ac.jp');
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    await context.close();
  });
});
