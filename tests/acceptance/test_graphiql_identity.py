"""GraphiQL in AUTH_MODE=jwt, in a real browser: the page opens without a token, and the bearer
token in its Headers pane goes with queries (as a header) and subscriptions (in connection_init),
so each shows only that user's todos."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import httpx
import pytest

from tests.acceptance.browser import launched, opened
from tests.acceptance.conftest import JwtStack
from tests.acceptance.identity import CREATE
from tests.tokens import bearer, token

if TYPE_CHECKING:  # Playwright itself is imported by the browser tests only
    from playwright.async_api import Browser

pytestmark = [pytest.mark.acceptance, pytest.mark.native, pytest.mark.browser]
on_one_backend = pytest.mark.parametrize("jwt_stack", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with launched() as chromium:
        yield chromium


@on_one_backend
async def test_the_headers_pane_token_scopes_queries_and_subscriptions(
    browser: Browser, jwt_stack: JwtStack
) -> None:
    from playwright.async_api import TimeoutError as PlaywrightTimeoutError

    gina, hugo = token("gina"), token("hugo")
    tag = uuid.uuid4().hex[:8]
    async with httpx.AsyncClient(base_url=jwt_stack.jwt_url) as http:
        for name, jwt_text in (("gina", gina), ("hugo", hugo)):
            payload = {"query": CREATE, "variables": {"t": f"{name}'s {tag}"}}
            answer = await http.post("/graphql", json=payload, headers=bearer(jwt_text))
            assert answer.json()["data"]["createTodo"]["__typename"] == "Todo"

    headers = json.dumps({"Authorization": f"Bearer {gina}"})
    async with opened(browser, jwt_stack.jwt_url, urlencode({"headers": headers})) as graphiql:
        await graphiql.run(
            f'{{ todos(filter: {{titleContains: "{tag}"}}) {{ nodes {{ title }} }} }}'
        )
        result = await graphiql.result_containing(tag)
        assert result == {"data": {"todos": {"nodes": [{"title": f"gina's {tag}"}]}}}

        await graphiql.run("subscription { todoEvents { kind todo { title } } }")
        async with httpx.AsyncClient(base_url=jwt_stack.jwt_url) as http:
            for attempt in range(10):
                # Hugo's change first: it must never show on gina's page.
                for name, jwt_text in (("hugo", hugo), ("gina", gina)):
                    payload = {"query": CREATE, "variables": {"t": f"{name} {attempt} {tag}"}}
                    await http.post("/graphql", json=payload, headers=bearer(jwt_text))
                try:
                    event = await graphiql.result_containing(f"gina {attempt}", timeout_ms=2_000)
                except PlaywrightTimeoutError:
                    continue
                break
            else:
                pytest.fail("no todoEvents result reached the page")
            assert event["data"]["todoEvents"]["todo"]["title"] == f"gina {attempt} {tag}"
            # Hugo's next change: were it sent to gina's page, it would replace the result.
            payload = {"query": CREATE, "variables": {"t": f"hugo again {tag}"}}
            await http.post("/graphql", json=payload, headers=bearer(hugo))
        with pytest.raises(PlaywrightTimeoutError):
            await graphiql.result_containing("hugo", timeout_ms=1_500)
        await graphiql.screenshot("jwt subscription")
        graphiql.traffic.assert_stayed_home(jwt_stack.jwt_url)
