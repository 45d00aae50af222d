/**
 * The page a browser gets at GET /graphql outside production: GraphiQL, with a field for the Bearer token.
 * Everything it loads comes from this service (see graphql-explorer.ts), so the page works offline and its
 * Content-Security-Policy allows this origin only: no inline script, no CDN.
 */

/** Where the page's scripts and stylesheets are served from. */
export const EXPLORER_ASSETS_PATH = '/graphql/explorer/assets';

/**
 * This origin only. `data:` is for the fonts and icons GraphiQL's stylesheet embeds as data URLs (no request
 * leaves the page for them). The nonce, new for each response, admits the one kind of style element GraphiQL
 * writes itself (its dialogs lock the page's scroll with one); styles set from script (React's `style` props)
 * are not inline styles to CSP.
 */
export function explorerContentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The query the editor opens with, the first time a browser opens the explorer. */
export const EXPLORER_DEFAULT_QUERY = `# Paste a token in the field above (an advisor JWT or
# a center API key) and press Enter; then run this query
# with ▶ or Ctrl-Enter. The Docs button lists every field.
{
  studentsMissingFollowUps(first: 10) {
    totalCount
    edges {
      node {
        student { externalId name }
        gaps { purpose urgency overdueAt }
      }
    }
  }
}
`;

const asset = (name: string) => `${EXPLORER_ASSETS_PATH}/${name}`;

/**
 * The scripts, in the order they must run: GraphiQL's UMD bundle needs React and ReactDOM as globals; then
 * explorer.js, which mounts it.
 */
export const EXPLORER_SCRIPTS = ['react.production.min.js', 'react-dom.production.min.js', 'graphiql.min.js'];

export const EXPLORER_STYLESHEETS = ['graphiql.min.css', 'explorer.css'];

/**
 * The page. `nonce` is the one its Content-Security-Policy names: explorer.js hands it to GraphiQL for the
 * style elements GraphiQL writes (without it those are refused, and only the scroll lock of its dialogs is lost).
 */
export function explorerHtml(nonce?: string): string {
  const nonceAttribute = nonce ? ` nonce="${nonce}"` : '';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>Advisor GraphQL API – explorer</title>
${EXPLORER_STYLESHEETS.map((name) => `    <link rel="stylesheet" href="${asset(name)}" />`).join('\n')}
${EXPLORER_SCRIPTS.map((name) => `    <script defer src="${asset(name)}"></script>`).join('\n')}
    <script defer src="${asset('explorer.js')}"${nonceAttribute}></script>
  </head>
  <body>
    <form id="token-form" class="token-bar" autocomplete="off">
      <label for="token">Bearer token</label>
      <input id="token" name="token" type="password" spellcheck="false"
        placeholder="an advisor JWT or a center API key (cfk_…)" />
      <button id="use-token" type="submit">Use token</button>
      <output id="token-state" for="token">No token yet.</output>
    </form>
    <main id="graphiql"><p class="loading">Loading the explorer…</p></main>
    <noscript>The explorer needs JavaScript.</noscript>
  </body>
</html>
`;
}

/** Lays the token bar above GraphiQL, which takes the rest of the window. */
export const EXPLORER_CSS = `html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
.token-bar { display: flex; align-items: center; gap: 0.5rem; padding: 0.5rem 1rem; border-bottom: 1px solid #ddd; }
.token-bar label { font-weight: 600; }
.token-bar input { flex: 1; max-width: 40rem; padding: 0.25rem 0.5rem; font-family: ui-monospace, monospace; }
.token-bar output { color: #555; font-size: 0.9em; }
#graphiql { flex: 1; min-height: 0; }
.loading { padding: 1rem; }
`;

/**
 * Mounts GraphiQL with a fetcher that sends the token as `Authorization: Bearer …` (an Authorization header set
 * in GraphiQL's Headers tab wins over it). Until there is a token (or such a header), the fetcher answers an
 * error itself rather than sending a request bound to be answered 401. A new token means a new fetcher, with
 * which GraphiQL fetches the schema again. The token stays in this page's memory: GraphiQL persists no
 * headers (shouldPersistHeaders is off), so a reload asks for it again.
 */
export const EXPLORER_SCRIPT = `'use strict';
(function () {
  var defaultQuery = ${JSON.stringify(EXPLORER_DEFAULT_QUERY)};
  var noToken = 'No token yet: paste an advisor JWT or a center API key in the field above and press Enter.';
  var form = document.getElementById('token-form');
  var input = document.getElementById('token');
  var state = document.getElementById('token-state');
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  // GraphiQL's dialogs write a style element, with the nonce they find here (webpack's convention).
  window.__webpack_nonce__ = document.currentScript && document.currentScript.nonce;

  function hasAuthorization(headers) {
    return Object.keys(headers || {}).some(function (name) {
      return name.toLowerCase() === 'authorization';
    });
  }

  function fetcherFor(token) {
    var send = GraphiQL.createFetcher({
      url: '/graphql',
      headers: token ? { Authorization: 'Bearer ' + token } : {},
    });
    return function (params, options) {
      if (token || hasAuthorization(options && options.headers)) return send(params, options);
      return Promise.resolve({ errors: [{ message: noToken }] });
    };
  }

  function render(token) {
    root.render(
      React.createElement(GraphiQL, {
        fetcher: fetcherFor(token),
        defaultQuery: defaultQuery,
        shouldPersistHeaders: false,
      }),
    );
    state.textContent = token
      ? 'Token set: queries are sent with Authorization: Bearer <token>.'
      : 'No token yet.';
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    render(input.value.trim());
  });
  render('');
})();
`;
