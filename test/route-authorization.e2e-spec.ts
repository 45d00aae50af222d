import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { advisorToken } from './helpers/advisor-graphql.js';
import { seedDirectory } from './helpers/fixtures.js';
import { controllerRoutes, expressRoutes, type DeclaredRoute } from './helpers/routes.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/**
 * Every route Nest serves, enumerated from its own router rather than a hand-written list, tried without a key,
 * with the wrong kind of key and with another center's key, as declared and in other spellings of its URL.
 * A route added without an access decision (@Public, @AdminOnly, @CenterKey) fails the first test.
 */

/** Served outside Nest's controllers, public by design: the OpenAPI document and its browsable UI. */
const PUBLIC_OUTSIDE_CONTROLLERS = /^GET \/(docs($|\/)|openapi\.(json|yaml)$)/;

type Credential = { name: string; header?: string };

let t: TestApp;
let a: TestCenter;
let b: TestCenter;
let routes: DeclaredRoute[];
let concrete: Record<string, string>;
let credentials: {
  none: Credential;
  admin: Credential;
  centerA: Credential;
  centerB: Credential;
  jwt: Credential;
};

beforeAll(async () => {
  t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } });
  a = await createCenter(t);
  b = await createCenter(t);
  await seedDirectory(t, a);
  await t.http
    .put('/v1/follow-ups/fu-1')
    .set(a.auth)
    .send({ interactionExternalId: 'int-1', channel: 'EMAIL', sentAt: '2026-11-26T15:00:00+09:00' })
    .expect(201);
  const endpoint = await t.http
    .post('/v1/webhook-endpoints')
    .set(a.auth)
    .send({ url: 'http://127.0.0.1:9/hook', eventTypes: ['followup.reminder'] })
    .expect(201);
  const keys = await t.http.get('/v1/api-keys').set(a.auth).expect(200);
  concrete = {
    centerId: a.id,
    kind: 'INTERVIEW',
    companyExternalId: 'cmp-1',
    'api-keys': (keys.body as { items: { id: string }[] }).items[0].id,
    'webhook-endpoints': (endpoint.body as { id: string }).id,
    'webhook-deliveries': randomUUID(),
    previews: randomUUID(),
    advisors: 'adv-1',
    students: 'stu-1',
    companies: 'cmp-1',
    contacts: 'ct-1',
    interactions: 'int-1',
    'follow-ups': 'fu-1',
  };
  credentials = {
    none: { name: 'no key' },
    admin: { name: 'the admin key', header: `Bearer ${t.runtime.secrets.adminApiKey}` },
    centerA: { name: "the center's key", header: a.auth.Authorization },
    centerB: { name: "another center's key", header: b.auth.Authorization },
    jwt: {
      name: 'an advisor JWT',
      header: `Bearer ${await advisorToken(t, { sub: 'adv-1', center: a.id, role: 'director' })}`,
    },
  };
  routes = controllerRoutes(t.app);
});

afterAll(() => t.close());

/** `/v1/students/:externalId` → `/v1/students/stu-1`: each parameter names a record of center A. */
function fill(path: string): string {
  const segments = path.split('/');
  return segments
    .map((segment, i) => {
      if (!segment.startsWith(':')) return segment;
      const name = segment.slice(1);
      const value = concrete[name] ?? concrete[segments[i - 1]];
      if (!value) throw new Error(`no value for ${name} in ${path}`);
      return encodeURIComponent(value);
    })
    .join('/');
}

async function call(method: string, url: string, credential: Credential) {
  const request = t.http[method.toLowerCase() as 'get'](url);
  if (credential.header) request.set('Authorization', credential.header);
  return request;
}

function describeRoute(route: DeclaredRoute): string {
  return `${route.method} ${route.path} (${route.handler})`;
}

it('every route Nest serves carries an access decision, and Express serves nothing else', () => {
  const undecided = routes.filter((route) => route.access === undefined).map(describeRoute);
  expect(undecided).toEqual([]);

  const declared = new Set(routes.map((route) => `${route.method} ${route.path}`));
  const served = expressRoutes(t.app).filter(
    (route) => !route.endsWith('{/*splat}') && !PUBLIC_OUTSIDE_CONTROLLERS.test(route),
  );
  expect(new Set(served)).toEqual(declared);
  // The enumeration is not vacuous: the routes the SPEC names are among them.
  expect(declared).toContain('POST /v1/centers');
  expect(declared).toContain('DELETE /v1/students/:externalId');
  expect(
    routes
      .filter((route) => route.access === 'public')
      .map((route) => route.path)
      .sort(),
  ).toEqual(['/health/live', '/health/ready', '/metrics']);
});

it('a route without its key is 401, whatever other key is presented', async () => {
  const failures: string[] = [];
  for (const route of routes) {
    if (route.access === 'public') continue;
    const refused: Credential[] =
      route.access === 'admin'
        ? [credentials.none, credentials.centerA, credentials.jwt]
        : [credentials.none, credentials.admin, credentials.jwt];
    for (const credential of refused) {
      const response = await call(route.method, fill(route.path), credential);
      if (
        response.status !== 401 ||
        !String(response.headers['content-type']).startsWith('application/problem+json')
      )
        failures.push(`${describeRoute(route)} with ${credential.name}: ${response.status}`);
    }
  }
  expect(failures).toEqual([]);
});

it("another center's key never reaches a record of this center: 404, and nothing changes", async () => {
  const before = await snapshot();
  const failures: string[] = [];
  for (const route of routes) {
    // PUT with another center's key writes that center's own record of the same externalId (ids are per center);
    // a policy's `:kind` names no record, only an interaction kind every center has.
    const namesARecord = route.path
      .split('/')
      .some((segment) => segment.startsWith(':') && segment !== ':kind');
    if (route.access !== 'center' || !namesARecord || route.method === 'PUT') continue;
    const response = await call(route.method, fill(route.path), credentials.centerB);
    if (response.status !== 404) failures.push(`${describeRoute(route)}: ${response.status}`);
  }
  expect(failures).toEqual([]);
  expect(await snapshot()).toEqual(before);
});

it('other spellings of a route are 404 with any key: upper case, a trailing or doubled slash, percent-encoding', async () => {
  const failures: string[] = [];
  for (const route of routes) {
    const url = fill(route.path);
    const [, first, ...rest] = url.split('/');
    const spellings = [
      url.toUpperCase(),
      `/${first.replace(/^./, (c) => c.toUpperCase())}/${rest.join('/')}`.replace(/\/$/, ''),
      `${url}/`,
      url.replace(/^\//, '//'),
      url.replace(/^\/(.)/, (_m, c: string) => `/%${c.charCodeAt(0).toString(16)}`),
    ];
    for (const spelling of spellings) {
      for (const credential of [credentials.none, credentials.admin, credentials.centerA]) {
        const response = await call(route.method, spelling, credential);
        if (response.status !== 404)
          failures.push(`${route.method} ${spelling} with ${credential.name}: ${response.status}`);
      }
    }
  }
  expect(failures).toEqual([]);
});

it('POST /V1/centers without a key creates no center and issues no key', async () => {
  const dataSource = t.app.get(DataSource);
  const count = async () =>
    Number((await dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM centers`))[0].n);
  const before = await count();
  for (const path of ['/V1/centers', '/v1/Centers', '/v1/centers/', '//v1/centers', '/v1/%63enters']) {
    const response = await t.http.post(path).send({ name: 'Intruder', timezone: 'Asia/Tokyo' });
    expect(response.status).toBe(404);
    expect(response.body).not.toHaveProperty('apiKey');
  }
  const recompute = await t.http.post(`/V1/centers/${a.id}/recompute`);
  expect(recompute.status).toBe(404);
  expect(await count()).toBe(before);
});

it('routes outside the controllers decide by themselves: the queue dashboard needs the admin key, GraphQL a token', async () => {
  expect((await t.http.get('/admin/queues')).status).toBe(401);
  expect((await t.http.get('/ADMIN/QUEUES')).status).toBe(404);
  expect((await t.http.get('/admin/queues').set('Authorization', a.auth.Authorization)).status).toBe(401);
  const graphql = await t.http.post('/graphql').send({ query: '{ apiVersion }' });
  expect(graphql.status).toBe(401);
  expect((await t.http.post('/GRAPHQL').send({ query: '{ apiVersion }' })).status).toBe(404);
  expect((await t.http.get('/openapi.json')).status).toBe(200);
});

/** What center A holds, read with its own key: the same before and after another center's attempts. */
async function snapshot(): Promise<unknown[]> {
  const paths = [
    '/v1/advisors/adv-1',
    '/v1/students/stu-1',
    '/v1/companies/cmp-1',
    '/v1/companies/cmp-1/contacts/ct-1',
    '/v1/interactions/int-1',
    '/v1/follow-ups/fu-1',
    '/v1/api-keys',
    `/v1/webhook-endpoints/${concrete['webhook-endpoints']}`,
    '/v1/students/stu-1/gaps',
  ];
  return Promise.all(
    paths.map(async (path) => {
      const response = await t.http.get(path).set(a.auth);
      return { path, status: response.status, body: response.body as unknown };
    }),
  );
}
