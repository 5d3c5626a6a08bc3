"""GraphiQL as the service serves it: Strawberry's page, with every script and style its own.

Strawberry's bundled page loads React, GraphiQL and its explorer plugin from a CDN; this one loads
the same files, vendored in static/graphiql/ (see the README there), from the service itself, so
GraphiQL works offline and behind a firewall. Subscriptions run over a graphql-ws client on the
same path as the page (the service answers WebSocket upgrades on /graphql).

The asset URLs are relative to the page, so the page also works behind a proxy that serves the
service under a path prefix. A Content-Security-Policy keeps the browser from loading or
connecting to anything but the service's own origin.
"""

from __future__ import annotations

import base64
import hashlib
import html
from string import Template
from urllib.parse import quote

# Files under static/graphiql/, in load order.
STYLES = ("graphiql/graphiql.min.css", "plugin-explorer/style.css")
SCRIPTS = (
    "react/react.production.min.js",
    "react-dom/react-dom.production.min.js",
    "js-cookie/js.cookie.min.js",
    "graphql-ws/graphql-ws.min.js",
    "graphiql/graphiql.min.js",
    "plugin-explorer/index.umd.js",
)

_WELCOME = """\
# GraphiQL for todobackend.
#
# Write a query, mutation or subscription here and
# run it with Ctrl-Enter or the play button.
# Ctrl-Space completes; the Docs and Explorer panes
# on the left show the schema.
#
# Subscriptions stream over a WebSocket on this URL.
# Run this one, then create a todo in another tab:
#
#   subscription {
#     todoEvents { kind todo { title completed } }
#   }

query Todos {
  todos(first: 10) {
    totalCount
    nodes { id title completed order }
  }
}
"""

# The page's one inline script; the CSP allows it by its hash and no other inline script.
_START = Template("""
const WELCOME = $welcome;

// The query and variables are kept in the page's URL, so a query can be shared as a link.
const parameters = {};
for (const [key, value] of new URLSearchParams(window.location.search)) {
  parameters[key] = value;
}

function updateURL(data) {
  Object.assign(parameters, data);
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters)) {
    if (value) search.set(key, value);
  }
  history.replaceState(null, "", "?" + search.toString());
}

// The endpoint is this page's own URL: queries are POSTed to it, subscriptions open a
// WebSocket on it (graphql-transport-ws).
const pageURL = new URL(window.location.href);
pageURL.search = "";
pageURL.hash = "";
const fetchURL = pageURL.toString();
const socketURL = new URL(fetchURL);
socketURL.protocol = pageURL.protocol === "https:" ? "wss:" : "ws:";

const defaultHeaders = {};
const csrfToken = Cookies.get("csrftoken");
if (csrfToken) {
  defaultHeaders["x-csrftoken"] = csrfToken;
}

const fetcher = GraphiQL.createFetcher({
  url: fetchURL,
  headers: defaultHeaders,
  wsClient: graphqlWs.createClient({ url: socketURL.toString(), lazy: true }),
});

const explorer = GraphiQLPluginExplorer.explorerPlugin();

function TodoGraphiQL() {
  const [query, setQuery] = React.useState(parameters.q || WELCOME);
  const [variables, setVariables] = React.useState(parameters.variables);
  const [headers, setHeaders] = React.useState(parameters.headers);

  return React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultEditorToolsVisibility: true,
    plugins: [explorer],
    query: query,
    variables: variables,
    headers: headers,
    onEditQuery(value) {
      setQuery(value);
      updateURL({ q: value });
    },
    onEditVariables(value) {
      setVariables(value);
      updateURL({ variables: value });
    },
    onEditHeaders: setHeaders,
    inputValueDeprecation: true,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
  });
}

ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(TodoGraphiQL),
);
""")

# Strawberry's icon, inline.
_ICON = "data:image/svg+xml," + quote(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    '<text y=".9em" font-size="80">\U0001f353</text></svg>'
)

_PAGE = Template("""\
<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>todobackend · GraphiQL</title>
    <link rel="icon" href="$icon" />
    <style>
      body { height: 100%; margin: 0; width: 100%; overflow: hidden; }
      #graphiql { height: 100vh; display: flex; }
      .docExplorerHide { display: none; }
      .doc-explorer-contents { overflow-y: hidden !important; }
      .docExplorerWrap { width: unset !important; min-width: unset !important; }
      .graphiql-explorer-actions select { margin-left: 4px; }
    </style>
$styles
  </head>
  <body>
    <div id="graphiql" class="graphiql-container">Loading…</div>
$scripts
    <script>$start</script>
  </body>
</html>
""")


def _js_string(text: str) -> str:
    """`text` as a JavaScript string literal that is safe inside a <script> element."""
    for char, escaped in (("\\", "\\\\"), ("`", "\\`"), ("$", "\\$"), ("<", "\\x3c")):
        text = text.replace(char, escaped)
    return f"`{text}`"


START_SCRIPT = _START.substitute(welcome=_js_string(_WELCOME))
_START_HASH = base64.b64encode(hashlib.sha256(START_SCRIPT.encode()).digest()).decode()

# The browser may load and connect to this origin only ('self' covers ws:/wss: on it too); the
# vendored styles need inline style attributes and elements, and images and fonts are data: URIs.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        f"script-src 'self' 'sha256-{_START_HASH}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    )
)


def render_page(assets_url: str) -> str:
    """The GraphiQL page, loading its files from `assets_url` (static/graphiql/, ending in '/';
    best relative to the page, such as 'graphiql/')."""
    base = html.escape(assets_url, quote=True)
    styles = "\n".join(f'    <link rel="stylesheet" href="{base}{name}" />' for name in STYLES)
    scripts = "\n".join(f'    <script src="{base}{name}"></script>' for name in SCRIPTS)
    return _PAGE.substitute(icon=_ICON, styles=styles, scripts=scripts, start=START_SCRIPT)
