import { createCenter, eventually, startTestApp, type TestApp } from './helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type RequestLine = { msg: string; route?: string; req?: { method: string } };

const requestLines = () =>
  t.logs.map((line) => JSON.parse(line) as RequestLine).filter((line) => line.msg === 'request completed');

it('logs the route a request matched, never the values in its path', async () => {
  const center = await createCenter(t);
  const email = 'taro.yamada@student.example.ac.jp';
  await t.http.get(`/v1/students/${email}`).set(center.auth).expect(400); // not an externalId
  await t.http.get('/v1/students/taro.yamada.student').set(center.auth).expect(404);
  await t.http.get(`/v1/no-such-collection/${email}`).set(center.auth).expect(404);

  const lines = await eventually(() => {
    const found = requestLines().filter((line) => line.req?.method === 'GET');
    return Promise.resolve(found.length >= 3 ? found : undefined);
  });
  expect(lines.map((line) => line.route)).toEqual([
    '/v1/students/:externalId',
    '/v1/students/:externalId',
    'unmatched',
  ]);
  const text = t.logs.join('\n');
  expect(text).not.toContain(email);
  expect(text).not.toContain('taro.yamada.student');
});
