import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { EXPLORER_DEFAULT_QUERY } from '../src/advisors-api/explorer/explorer-page.js';
import { GraphqlExplorer } from '../src/advisors-api/explorer/graphql-explorer.js';
import { advisorToken, graphql } from './helpers/advisor-graphql.js';
import { advisorBody, companyBody, contactBody, interactionBody, studentBody } from './helpers/fixtures.js';
import { createCenter, eventually, startTestApp, type TestApp } from './helpers/test-app.js';

/** Debian's Chromium (.ci/run installs it when missing); override with CHROMIUM_PATH. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/**
 * GET /graphql in a browser opens GraphiQL outside production, served with all its files by this service
 * (no CDN); every other GET is still refused by CSRF prevention, and POSTs answer as before. In production
 * there is no explorer.
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
    await Promise.all([t?.close(), production?.close()]);
  });

  /** The URLs a page loads: its scripts' src and its stylesheets' href. */
  const assetUrls = (html: string) => [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);

  it('serves GraphiQL to a browser, every file of it from this service, under a same-origin-only CSP', async () => {
    const page = await t.http.get('/graphql').set('Accept', browserAccept).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('id="token"'); // the field for the Bearer token
    expect(page.text).not.toMatch(/https?:\/\//);
    // This origin only, and a nonce of the page's own for the style elements GraphiQL writes.
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'; script-src 'self'; style-src 'self' 'nonce-");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:|\*|unsafe/);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(page.text).toContain(`nonce="${nonce}"`);
    const again = await t.http.get('/graphql').set('Accept', browserAccept).expect(200);
    expect(again.headers['content-security-policy']).not.toContain(nonce);

    const urls = assetUrls(page.text);
    expect(urls).toEqual(
      expect.arrayContaining([
        '/graphql/explorer/assets/graphiql.min.js',
        '/graphql/explorer/assets/graphiql.min.css',
        '/graphql/explorer/assets/react.production.min.js',
        '/graphql/explorer/assets/react-dom.production.min.js',
        '/graphql/explorer/assets/explorer.js',
      ]),
    );
    for (const url of urls) {
      // No credentials: the page's files are public, like the page.
      const asset = await t.http.get(url).expect(200);
      expect(asset.headers['content-type']).toMatch(url.endsWith('.css') ? /^text\/css/ : /javascript/);
      expect(asset.headers['x-content-type-options']).toBe('nosniff');
      expect(Number(asset.headers['content-length'] ?? asset.text.length)).toBeGreaterThan(100);
    }
  });

  it('answers 404 for any other name under the assets path, and for other spellings', async () => {
    for (const path of [
      '/graphql/explorer/assets/package.json',
      '/graphql/explorer/assets/../../package.json',
      '/graphql/explorer/assets/%2e%2e%2fpackage.json',
      '/graphql/explorer/assets/graphiql.min.js/',
      '/graphql/explorer/assets/',
    ]) {
      const response = await t.http.get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
    expect((await t.http.post('/graphql/explorer/assets/explorer.js').send({})).status).toBe(404);
    expect((await t.http.get('/GRAPHQL/explorer/assets/explorer.js')).status).toBe(404);
  });

  it('still refuses a GET that is not a browser asking for a page (CSRF prevention)', async () => {
    const refused = await t.http.get('/graphql?query=%7BapiVersion%7D').set('Accept', 'application/json');
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/CSRF/);
    // A browser's page GET carrying a query is a page view too, never an executed query.
    const page = await t.http.get('/graphql?query=%7BapiVersion%7D').set('Accept', browserAccept).expect(200);
    expect(page.text).not.toContain('"apiVersion"');
  });

  it('answers POST queries as before, and the query the explorer opens with runs without errors', async () => {
    const center = await createCenter(t);
    const response = await t.http
      .post('/graphql')
      .set(center.auth)
      .send({ query: '{ apiVersion }' })
      .expect(200);
    expect(response.body).toEqual({ data: { apiVersion: '1' } });
    const opening = await graphql(t, center.apiKey, EXPLORER_DEFAULT_QUERY);
    expect(opening.errors).toBeUndefined();
    expect(opening.data).toHaveProperty('studentsMissingFollowUps.totalCount');
  });

  it('serves no explorer in production, where introspection is off', async () => {
    const refused = await production.http.get('/graphql').set('Accept', browserAccept);
    expect(refused.status).toBe(400);
    expect(refused.text).not.toContain('graphiql');
    expect(refused.headers['content-security-policy']).toBeUndefined();
    for (const file of ['graphiql.min.js', 'explorer.js']) {
      const asset = await production.http.get(`/graphql/explorer/assets/${file}`);
      expect(asset.status).not.toBe(200);
      expect(asset.text).not.toContain('GraphiQL');
    }
  });

  it('is left out, with a warning, when its packages are not installed (dev dependencies pruned)', () => {
    const missing = GraphqlExplorer.fromInstalledPackages((id) => {
      throw new Error(`Cannot find module '${id}'`);
    });
    expect(missing).toBeUndefined();
  });

  describe('in headless Chromium', () => {
    let browser: Browser;
    let baseUrl: string;

    beforeAll(async () => {
      await t.app.listen(0, '127.0.0.1');
      baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('loads from this origin only, takes a token, runs studentsMissingFollowUps and shows the student', async () => {
      // A center with a student who met an employer 30 hours ago and has sent no thank-you: an open gap.
      const center = await createCenter(t);
      const studentId = `stu-explorer-${Date.now()}`;
      await t.http.put('/v1/advisors/adv-1').set(center.auth).send(advisorBody).expect(201);
      await t.http.put(`/v1/students/${studentId}`).set(center.auth).send(studentBody()).expect(201);
      await t.http.put('/v1/companies/cmp-1').set(center.auth).send(companyBody).expect(201);
      await t.http.put('/v1/companies/cmp-1/contacts/ct-1').set(center.auth).send(contactBody).expect(201);
      const endedAt = new Date(Date.now() - 30 * 3600_000).toISOString();
      await t.http
        .put('/v1/interactions/int-1')
        .set(center.auth)
        .send(interactionBody({ studentExternalId: studentId, occurredAt: endedAt, endedAt }))
        .expect(201);
      const token = await advisorToken(t, { sub: 'adv-1', center: center.id, role: 'advisor' });

      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      // Every request the page makes is recorded; one to any other origin (a CDN) is recorded and refused,
      // so the test neither needs the internet nor passes when it is there.
      const requested: string[] = [];
      const foreign: string[] = [];
      await context.route('**/*', async (route) => {
        const url = route.request().url();
        requested.push(url);
        if (new URL(url).origin === baseUrl) await route.continue();
        else {
          foreign.push(url);
          await route.abort('blockedbyclient');
        }
      });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      const cspViolations: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });

      await page.goto(`${baseUrl}/graphql`);
      expect(foreign).toEqual([]); // Apollo Sandbox, for one, would have asked its CDN for its scripts by now
      const queryEditor = page.locator('.graphiql-query-editor .CodeMirror');
      await queryEditor.waitFor();

      // The token, entered in the page's field: GraphiQL then fetches the schema with it.
      const introspected = page.waitForResponse(
        (response) =>
          response.url() === `${baseUrl}/graphql` &&
          response.request().method() === 'POST' &&
          response.request().headers()['authorization'] === `Bearer ${token}`,
      );
      await page.fill('#token', token);
      await page.press('#token', 'Enter');
      expect((await introspected).status()).toBe(200);

      // The query, put in the editor as a paste would (typing would meet the editor's auto-closed brackets).
      await queryEditor.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(
        '{ studentsMissingFollowUps { edges { node { student { externalId } } } } }',
      );
      await page.locator('.graphiql-execute-button').click();

      const result = await eventually(
        async () => {
          const text = await page.locator('.graphiql-response').innerText();
          return text.includes(studentId) ? text : undefined;
        },
        15_000,
        `the result pane to show ${studentId}`,
      );
      expect(result).toContain('"externalId"');
      expect(result).not.toMatch(/UNAUTHENTICATED|"errors"/);

      // GraphiQL's dialogs write a style element of their own: the page's nonce admits it.
      for (const dialog of ['Open settings dialog', 'Open short keys dialog']) {
        await page.getByRole('button', { name: dialog }).click();
        await page.getByRole('dialog').waitFor();
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });
      }

      // The token is not kept in the browser's storage.
      const stored = await page.evaluate('JSON.stringify({ ...localStorage, ...sessionStorage })');
      expect(stored).not.toContain(token);

      expect(foreign).toEqual([]);
      expect(requested.length).toBeGreaterThanOrEqual(6); // the page, its files, and the queries
      expect(requested.every((url) => new URL(url).origin === baseUrl)).toBe(true);
      expect(cspViolations).toEqual([]);
      expect(pageErrors).toEqual([]);
      await context.close();
    });
  });
});
