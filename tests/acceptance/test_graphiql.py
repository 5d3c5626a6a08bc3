"""GraphiQL as a browser meets it: the page the service serves at /graphql links only the service's
own files, and in Debian's headless Chromium, driven by Playwright, it runs a query and a
subscription through the UI without loading or connecting to anything outside that origin.

The page does not depend on the database, so these tests run on the first backend only. Without
Chromium or Playwright the browser tests are skipped (an error under CI=true);
scripts/test.sh installs Chromium as root. A production stack (ACCEPTANCE_URL) serves no
GraphiQL, so there they all skip. GRAPHIQL_SCREENSHOTS=folder keeps a screenshot of each UI test.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from tests.acceptance.conftest import SERVICES

if TYPE_CHECKING:  # Playwright itself is imported by the browser tests only
    from playwright.async_api import Browser, ConsoleMessage, Page, Request, Response, WebSocket

# Native: GraphiQL is a development tool; the deployed (production) stack serves none.
pytestmark = [pytest.mark.acceptance, pytest.mark.native]
on_one_backend = pytest.mark.parametrize("service_url", SERVICES[:1], indirect=True)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 20_000
SCREENSHOTS = os.environ.get("GRAPHIQL_SCREENSHOTS")  # a folder to keep a screenshot of each test

CREATE = """mutation Create($title: String!) {
  createTodo(input: {title: $title}) { __typename ... on Todo { id title } }
}"""
ASSET_TYPES = {".js": "text/javascript", ".css": "text/css"}


def skip_unless_graphiql_is_served(status_code: int) -> None:
    """The stack under ACCEPTANCE_URL runs in production mode, which serves no GraphiQL (404)."""
    if status_code == 404 and os.environ.get("ACCEPTANCE_URL"):
        pytest.skip("the service under ACCEPTANCE_URL serves no GraphiQL (production mode)")


@on_one_backend
def test_graphiql_page_links_only_the_services_own_files(service_url: str) -> None:
    page_url = f"{service_url}/graphql"
    page = httpx.get(page_url, headers={"accept": "text/html"})
    skip_unless_graphiql_is_served(page.status_code)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    links = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"', page.text)
    assets = [link for link in links if not link.startswith("data:")]
    assert len(assets) == 8, links
    for link in assets:
        # Relative to the page, so that it works behind a proxy that adds a path prefix.
        assert not urlsplit(link).scheme, link
        assert not link.startswith("/"), link
        asset = httpx.get(urljoin(page_url, link))
        assert asset.status_code == 200, link
        assert asset.headers["content-type"].startswith(ASSET_TYPES[os.path.splitext(link)[1]])
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert "http" not in policy
    assert "*" not in policy


@dataclass
class Traffic:
    """Everything one page asked for, and what went wrong."""

    requests: list[str] = field(default_factory=list)
    sockets: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            sent = response.request.post_data or ""
            self.failures.append(f"{response.status} {response.url} {sent[:500]}")

    def on_request_failed(self, request: Request) -> None:
        self.failures.append(f"{request.failure} {request.url}")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":  # among them every Content-Security-Policy violation
            self.errors.append(message.text)

    def on_page_error(self, error: Exception) -> None:
        self.errors.append(str(error))

    def on_websocket(self, socket: WebSocket) -> None:
        self.sockets.append(socket.url)

    def assert_stayed_home(self, service_url: str) -> None:
        """Every request and WebSocket went to the service's own origin, and none failed."""
        home = urlsplit(service_url)
        assert self.requests, "the page made no requests"
        elsewhere = [
            url
            for url in self.requests
            # data: URLs (the icon, the fonts in GraphiQL's CSS) are inline, not fetched.
            if urlsplit(url).scheme != "data"
            and (urlsplit(url).scheme, urlsplit(url).netloc) != (home.scheme, home.netloc)
        ]
        assert elsewhere == []
        assert [url for url in self.sockets if urlsplit(url).netloc != home.netloc] == []
        assert self.failures == []
        assert self.errors == []


@dataclass
class GraphiQLPage:
    page: Page
    traffic: Traffic

    async def run(self, query: str | None = None) -> None:
        """Types `query` into the query editor, replacing what is there, and presses Run."""
        if query is not None:
            editor = self.page.locator(".graphiql-query-editor .CodeMirror")
            await editor.click()
            await self.page.keyboard.press("Control+A")
            await self.page.keyboard.press("Delete")
            # insert_text types the text as one input, so the editor adds no closing brackets.
            await self.page.keyboard.insert_text(query)
            typed = await editor.evaluate("(element) => element.CodeMirror.getValue()")
            assert typed == query
            # GraphiQL takes in an edit (the operation name too) a moment later; the page then
            # keeps the query in its URL. Run before that would send the old operation's name.
            await self.page.wait_for_function(
                "(query) => new URLSearchParams(location.search).get('q') === query", arg=query
            )
        await self.page.locator(".graphiql-execute-button").click()

    async def result_containing(self, text: str, timeout_ms: float = TIMEOUT_MS) -> Any:
        """The result pane's JSON, once it contains `text`."""
        await self.page.wait_for_function(
            """(text) => {
              const pane = document.querySelector(".graphiql-response .CodeMirror");
              return pane !== null && pane.CodeMirror.getValue().includes(text);
            }""",
            arg=text,
            timeout=timeout_ms,
        )
        shown = await self.page.locator(".graphiql-response .CodeMirror").evaluate(
            "(element) => element.CodeMirror.getValue()"
        )
        return json.loads(shown)

    async def screenshot(self, name: str) -> None:
        if SCREENSHOTS:
            await self.page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"))


def _skip_without(message: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true needs the browser tests: {message}")
    pytest.skip(message)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _skip_without("Playwright is not installed (make install installs it)")
    if not os.access(CHROMIUM, os.X_OK):
        _skip_without(f"no Chromium at {CHROMIUM} (scripts/test.sh installs it as root)")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture
async def graphiql(browser: Browser, service_url: str) -> AsyncIterator[GraphiQLPage]:
    """GraphiQL, opened as a browser opens it (Accept: text/html), with the schema loaded."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    traffic = Traffic()
    page.on("request", traffic.on_request)
    page.on("response", traffic.on_response)
    page.on("requestfailed", traffic.on_request_failed)
    page.on("console", traffic.on_console)
    page.on("pageerror", traffic.on_page_error)
    page.on("websocket", traffic.on_websocket)
    try:
        # The page loads its files, then fetches the schema (introspection) before it goes idle.
        response = await page.goto(f"{service_url}/graphql", wait_until="networkidle")
        assert response is not None
        skip_unless_graphiql_is_served(response.status)
        assert response.ok
        assert response.headers["content-type"].startswith("text/html")
        traffic.assert_stayed_home(service_url)
        await page.locator(".graphiql-query-editor .CodeMirror").wait_for()
        yield GraphiQLPage(page, traffic)
    finally:
        await context.close()


@pytest.mark.browser
@on_one_backend
async def test_graphiql_runs_queries_with_nothing_from_outside(
    graphiql: GraphiQLPage, service_url: str
) -> None:
    title = f"Walk the dog {uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=service_url) as http:
        created = await http.post("/graphql", json={"query": CREATE, "variables": {"title": title}})
    assert created.json()["data"]["createTodo"]["title"] == title

    await graphiql.run()  # the example the page opens with
    example = await graphiql.result_containing('"totalCount"')
    assert example["data"]["todos"]["totalCount"] >= 1

    await graphiql.run(f'{{ todos(filter: {{titleContains: "{title}"}}) {{ nodes {{ title }} }} }}')
    result = await graphiql.result_containing(title)
    assert result == {"data": {"todos": {"nodes": [{"title": title}]}}}
    await graphiql.screenshot("query")
    graphiql.traffic.assert_stayed_home(service_url)
    fetched = {urlsplit(url).path for url in graphiql.traffic.requests}
    assets = f"{urlsplit(service_url).path}/graphiql/"
    assert len({path for path in fetched if path.startswith(assets)}) == 8, fetched


@pytest.mark.browser
@on_one_backend
async def test_graphiql_streams_a_subscription(graphiql: GraphiQLPage, service_url: str) -> None:
    from playwright.async_api import TimeoutError as PlaywrightTimeoutError

    await graphiql.run("subscription { todoEvents { kind todo { title } } }")

    # The subscription starts a moment after Run; a todo created before then sends it nothing, so
    # another is created until one's event shows.
    async with httpx.AsyncClient(base_url=service_url) as http:
        for attempt in range(10):
            title = f"Subscribed {attempt} {uuid.uuid4().hex[:8]}"
            created = await http.post(
                "/graphql", json={"query": CREATE, "variables": {"title": title}}
            )
            assert created.json()["data"]["createTodo"]["title"] == title
            try:
                result = await graphiql.result_containing(title, timeout_ms=2_000)
            except PlaywrightTimeoutError:
                continue
            break
        else:
            pytest.fail("no todoEvents result reached the page")

    assert result == {"data": {"todoEvents": {"kind": "CREATED", "todo": {"title": title}}}}
    await graphiql.screenshot("subscription")
    assert graphiql.traffic.sockets == [f"ws{service_url.removeprefix('http')}/graphql"]
    graphiql.traffic.assert_stayed_home(service_url)
