"""GraphiQL as the service serves it: Strawberry's page, with every script and style its own.

Strawberry's bundled page loads React, GraphiQL and its explorer plugin from a CDN; this one loads
the same files, vendored in static/graphiql/ (see the README there), from the service itself, so
GraphiQL works offline and behind a firewall. Subscriptions run over a graphql-ws client on the
same path as the page (the service answers WebSocket upgrades on /graphql).

The asset URLs are relative to the page, so the page also works behind a proxy that serves the
service under a path prefix. A Content-Security-Policy keeps the browser from loading or
connecting to anything but the service's own origin. The page, its start-up script and its
welcome text are page.html, start.js and welcome.graphql beside this module.
"""

from __future__ import annotations

import base64
import hashlib
import html
import posixpath
from pathlib import Path
from string import Template
from urllib.parse import quote

from starlette.requests import Request
from starlette.routing import NoMatchFound

# Where app.py mounts static/graphiql/, and the route of the GraphQL view: the page links its files
# relative to itself, so that it works under any path prefix a proxy adds.
ASSETS_ROUTE = "graphiql"
PAGE_ROUTE = "graphql"


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

_FILES = Path(__file__).parent
_WELCOME = (_FILES / "welcome.graphql").read_text()
# The page's one inline script; the CSP allows it by its hash and no other inline script.
_START = Template("\n" + (_FILES / "start.js").read_text())

# Strawberry's icon, inline.
_ICON = "data:image/svg+xml," + quote(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    '<text y=".9em" font-size="80">\U0001f353</text></svg>'
)

_PAGE = Template((_FILES / "page.html").read_text())


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


def assets_url(request: Request) -> str:
    """The URL of the GraphiQL files relative to the page: 'graphiql/' as app.py routes them."""
    try:
        assets = str(request.app.url_path_for(ASSETS_ROUTE, path="/"))
        page = str(request.app.url_path_for(PAGE_ROUTE))
    except (NoMatchFound, AttributeError):
        return "graphiql/"
    return posixpath.relpath(assets, posixpath.dirname(page)).rstrip("/") + "/"
