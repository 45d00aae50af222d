import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { spawnBuilt } from './helpers/server-process.js';
import { studentBody, advisorBody } from './helpers/fixtures.js';
import { createCenter, startTestApp, type TestApp } from './helpers/test-app.js';

/** `npm run recompute -- <centerId>`: the admin recompute routes and the CLI that follows one to the end. */
describe('recompute a center from the CLI', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp();
    await new Promise<void>((resolve) => (t.app.getHttpServer() as Server).listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${((t.app.getHttpServer() as Server).address() as AddressInfo).port}`;
  });
  afterAll(() => t.close());

  it('needs the admin key and an existing center', async () => {
    const center = await createCenter(t);
    const admin = { Authorization: `Bearer ${t.runtime.secrets.adminApiKey}` };
    await t.http.post(`/v1/centers/${center.id}/recompute`).set(center.auth).expect(401);
    await t.http.post('/v1/centers/00000000-0000-4000-8000-000000000000/recompute').set(admin).expect(404);
    await t.http.post('/v1/centers/not-a-uuid/recompute').set(admin).expect(404);
    await t.http.get(`/v1/centers/${center.id}/recompute`).set(admin).expect(404); // none yet
  });

  it('requests the recompute and shows students done / total until it is done', async () => {
    const center = await createCenter(t);
    await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
    for (let i = 1; i <= 3; i++) {
      await t.http.put(`/v1/students/stu-${i}`).set(center.auth).send(studentBody()).expect(201);
    }
    const cli = spawnBuilt('src/cli/recompute.main.js', { ADMIN_API_KEY: t.runtime.secrets.adminApiKey }, [
      center.id,
      '--url',
      baseUrl,
      '--timeout',
      '30',
    ]);
    expect(await cli.exited).toBe(0);
    const stderr = cli.stderr.join('\n');
    expect(stderr).toContain(`recompute of center ${center.id} requested (3 students)`);
    expect(stderr).toMatch(/students recomputed: 3\/3 \(100%\)/);
    const result = JSON.parse(cli.stdout.filter(Boolean).pop()!) as Record<string, unknown>;
    expect(result).toMatchObject({ centerId: center.id, status: 'done', studentsDone: 3, studentsTotal: 3 });

    // The same run is what GET /v1/policies reports.
    const policies = await t.http.get('/v1/policies').set(center.auth).expect(200);
    expect(policies.body.recompute).toMatchObject({ status: 'done', studentsDone: 3, studentsTotal: 3 });
  });

  it('says how to call it', async () => {
    const cli = spawnBuilt('src/cli/recompute.main.js', {}, []);
    expect(await cli.exited).toBe(64);
    expect(cli.stderr.join('\n')).toContain('usage: npm run recompute -- <centerId>');
  });
});
