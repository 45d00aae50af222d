import { createCenter, startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * GET /graphql in a browser opens Apollo Sandbox (Apollo Server's landing page), outside production; every
 * other GET is still refused by CSRF prevention, and POSTs answer as before.
 */
describe('the GraphQL explorer at GET /graphql', () => {
  let t: TestApp;
  let production: TestApp;

  beforeAll(async () => {
    [t, production] = await Promise.all([
      startTestApp({ role: 'api' }),
      startTestApp({ role: 'api', env: { NODE_ENV: 'production' } }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([t.close(), production.close()]);
  });

  const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

  it('serves Apollo Sandbox to a browser', async () => {
    const page = await t.http.get('/graphql').set('Accept', browserAccept).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('embeddable-sandbox'); // Apollo's embedded Sandbox script
    expect(page.text).toContain('"runTelemetry":false');
    expect(page.text).toContain('advisor JWT or center API key'); // the Authorization header to fill in
  });

  it('still refuses a GET that is not a browser asking for a page (CSRF prevention)', async () => {
    const refused = await t.http.get('/graphql?query=%7BapiVersion%7D').set('Accept', 'application/json');
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/CSRF/);
    // A browser's page GET carrying a query is a page view too, never an executed query.
    const page = await t.http.get('/graphql?query=%7BapiVersion%7D').set('Accept', browserAccept).expect(200);
    expect(page.text).not.toContain('"apiVersion"');
  });

  it('answers POST queries as before', async () => {
    const center = await createCenter(t);
    const response = await t.http
      .post('/graphql')
      .set(center.auth)
      .send({ query: '{ apiVersion }' })
      .expect(200);
    expect(response.body).toEqual({ data: { apiVersion: '1' } });
  });

  it('serves no explorer in production, where introspection is off', async () => {
    const refused = await production.http.get('/graphql').set('Accept', browserAccept);
    expect(refused.status).toBe(400);
    expect(refused.text).not.toContain('embeddable-sandbox');
  });
});
