"""GraphiQL as a browser meets it: the page the service serves at /graphql links only the service's
own files, and in Debian's headless Chromium, driven by Playwright, it runs a query and a
subscription through the UI without loading or connecting to anything outside that origin.

The page does not depend on the database, so these tests run on the first backend only (the
browser: tests/acceptance/browser.py). A production stack (ACCEPTANCE_URL) serves no GraphiQL, so
there they all skip.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from tests.acceptance.browser import (
    GraphiQLPage,
    launched,
    opened,
    skip_unless_graphiql_is_served,
)
from tests.acceptance.conftest import SERVICES

if TYPE_CHECKING:  # Playwright itself is imported by the browser tests only
    from playwright.async_api import Browser

# Native: GraphiQL is a development tool; the deployed (production) stack serves none.
pytestmark = [pytest.mark.acceptance, pytest.mark.native]
on_one_backend = pytest.mark.parametrize("service", SERVICES[:1], indirect=True)

CREATE = """mutation Create($title: String!) {
  createTodo(input: {title: $title}) { __typename ... on Todo { id title } }
}"""
ASSET_TYPES = {".js": "text/javascript", ".css": "text/css"}


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


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with launched() as chromium:
        yield chromium


@pytest.fixture
async def graphiql(browser: Browser, service_url: str) -> AsyncIterator[GraphiQLPage]:
    async with opened(browser, service_url) as page:
        yield page


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
