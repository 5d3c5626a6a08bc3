"""GraphiQL in a real browser for the acceptance tests: Debian's headless Chromium, driven by
Playwright, with every request and WebSocket of the page recorded.

Without Chromium or Playwright the browser tests are skipped (an error under CI=true);
scripts/test.sh installs Chromium as root. GRAPHIQL_SCREENSHOTS=folder keeps a screenshot of each
UI test."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:  # Playwright itself is imported by the browser tests only
    from playwright.async_api import Browser, ConsoleMessage, Page, Request, Response, WebSocket

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


def skip_unless_graphiql_is_served(status_code: int) -> None:
    """The stack under ACCEPTANCE_URL runs in production mode, which serves no GraphiQL (404)."""
    if status_code == 404 and os.environ.get("ACCEPTANCE_URL"):
        pytest.skip("the service under ACCEPTANCE_URL serves no GraphiQL (production mode)")


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


@asynccontextmanager
async def launched() -> AsyncIterator[Browser]:
    """Headless Chromium (the tests skip without it, or fail under CI=true)."""
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


@asynccontextmanager
async def opened(
    browser: Browser, service_url: str, query: str = ""
) -> AsyncIterator[GraphiQLPage]:
    """GraphiQL, opened as a browser opens it (Accept: text/html), with the schema loaded;
    `query` is the page URL's query string (such as `headers=...`)."""
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
        url = f"{service_url}/graphql" + (f"?{query}" if query else "")
        response = await page.goto(url, wait_until="networkidle")
        assert response is not None
        skip_unless_graphiql_is_served(response.status)
        assert response.ok
        assert response.headers["content-type"].startswith("text/html")
        traffic.assert_stayed_home(service_url)
        await page.locator(".graphiql-query-editor .CodeMirror").wait_for()
        yield GraphiQLPage(page, traffic)
    finally:
        await context.close()
