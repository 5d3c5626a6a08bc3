"""The REST API of the running service, over HTTP only: the Todo-Backend spec's cases as its
browser runner makes the requests, and REST and GraphQL seeing each other's writes and events."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.acceptance.conftest import Service
from tests.acceptance.test_events import PROTOCOLS, listening, mutate

pytestmark = pytest.mark.acceptance

# Where the Todo-Backend spec runner is served from: another origin than the service's.
ORIGIN = "https://www.todobackend.com"
SIMPLE_METHODS = {"GET", "HEAD", "POST"}


class Browser:
    """Requests as a page on another origin makes them: each with an Origin header, the ones a
    browser preflights (a JSON body; PUT, PATCH, DELETE; an Authorization header) after an OPTIONS
    that must allow them, and every response readable by the page only when it allows the
    origin. The client's own headers (a bearer token in jwt mode) go with every request."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.authorized = "authorization" in http.headers

    async def request(self, method: str, url: str, body: object = None) -> httpx.Response:
        headers = {"origin": ORIGIN}
        content = None
        if body is not None:
            headers["content-type"] = "application/json"
            content = json.dumps(body)
        if method not in SIMPLE_METHODS or body is not None or self.authorized:
            await self._preflight(method, url, with_content_type=body is not None)
        response = await self.http.request(method, url, headers=headers, content=content)
        allowed = response.headers.get("access-control-allow-origin")
        assert allowed in ("*", ORIGIN), f"the page may not read {method} {url}: {response}"
        return response

    async def _preflight(self, method: str, url: str, with_content_type: bool) -> None:
        headers = {"origin": ORIGIN, "access-control-request-method": method}
        asked = [name for name, asks in (("content-type", with_content_type),
                                         ("authorization", self.authorized)) if asks]  # fmt: skip
        if asked:
            headers["access-control-request-headers"] = ",".join(asked)
        # A preflight carries no credentials: the browser sends none with it.
        async with httpx.AsyncClient(base_url=self.http.base_url) as anonymous:
            response = await anonymous.options(url, headers=headers)
        assert response.status_code == 200, f"preflight of {method} {url}: {response.text}"
        assert response.headers["access-control-allow-origin"] in ("*", ORIGIN)
        assert method in response.headers["access-control-allow-methods"].split(", ")
        for name in asked:
            assert name in response.headers["access-control-allow-headers"].lower()

    async def get(self, url: str) -> httpx.Response:
        return await self.request("GET", url)

    async def post(self, url: str, body: object) -> httpx.Response:
        return await self.request("POST", url, body)

    async def patch(self, url: str, body: object) -> httpx.Response:
        return await self.request("PATCH", url, body)

    async def delete(self, url: str) -> httpx.Response:
        return await self.request("DELETE", url)

    async def create(self, **fields: Any) -> dict[str, Any]:
        response = await self.post("/todos", fields)
        assert response.status_code == 201, response.text
        todo: dict[str, Any] = response.json()
        return todo

    async def todos(self) -> list[dict[str, Any]]:
        response = await self.get("/todos")
        assert response.status_code == 200
        todos: list[dict[str, Any]] = response.json()
        return todos


@pytest.fixture
async def browser(service: Service) -> AsyncIterator[Browser]:
    """A browser on the service, whose list it has emptied (the spec's beforeEach)."""
    async with httpx.AsyncClient(base_url=service.url, headers=service.headers, timeout=30) as http:
        browser = Browser(http)
        assert (await browser.delete("/todos")).status_code == 204
        yield browser


def global_id(todo: dict[str, Any]) -> str:
    """GraphQL's ID of a REST todo: base64 of "Todo:<the primary key ending its url>"."""
    pk = todo["url"].rsplit("/", 1)[1]
    return base64.b64encode(f"Todo:{pk}".encode()).decode()


# The Todo-Backend spec: the pre-requisites.


async def test_the_roots_answer_with_cors(browser: Browser, service_url: str) -> None:
    root = await browser.get("/")
    assert root.status_code == 200
    assert root.json()["todos"] == f"{service_url}/todos"
    assert (await browser.get("/todos")).status_code == 200


async def test_post_answers_the_todo_posted(browser: Browser) -> None:
    response = await browser.post("/todos", {"title": "a todo"})
    assert response.status_code == 201
    assert response.json()["title"] == "a todo"


async def test_delete_of_the_root_empties_the_list(browser: Browser) -> None:
    await browser.create(title="one")
    await browser.create(title="two")
    assert (await browser.delete("/todos")).status_code == 204
    assert await browser.todos() == []


# Storing new todos by posting to the root url.


async def test_a_posted_todo_is_listed(browser: Browser) -> None:
    await browser.create(title="walk the dog")
    assert [todo["title"] for todo in await browser.todos()] == ["walk the dog"]


async def test_a_new_todo_is_not_completed(browser: Browser) -> None:
    todo = await browser.create(title="blah")
    assert todo["completed"] is False
    assert (await browser.todos())[0]["completed"] is False


async def test_a_new_todo_has_a_url_that_answers_it(browser: Browser, service_url: str) -> None:
    todo = await browser.create(title="my todo")
    assert todo["url"].startswith(f"{service_url}/todos/")
    fetched = await browser.get(todo["url"])
    assert fetched.status_code == 200
    assert fetched.json() == todo
    assert (await browser.todos()) == [todo]


async def test_two_parallel_posts_both_land(browser: Browser) -> None:
    first, second = await asyncio.gather(
        browser.create(title="first"), browser.create(title="second")
    )
    assert first["url"] != second["url"]
    assert sorted(todo["title"] for todo in await browser.todos()) == ["first", "second"]


# Working with an existing todo.


async def test_the_list_links_to_each_todo(browser: Browser) -> None:
    await browser.create(title="todo the first")
    await browser.create(title="todo the second")
    for listed in await browser.todos():
        assert (await browser.get(listed["url"])).json() == listed


@pytest.mark.parametrize(
    "change",
    [{"title": "bathe the cat"}, {"completed": True}, {"title": "changed", "completed": True}],
    ids=["title", "completed", "both"],
)
async def test_patch_changes_a_todo_and_a_new_get_shows_it(
    browser: Browser, change: dict[str, Any]
) -> None:
    todo = await browser.create(title="initial title")
    patched = await browser.patch(todo["url"], change)
    assert patched.status_code == 200
    assert patched.json() == {**todo, **change}
    assert (await browser.get(todo["url"])).json() == {**todo, **change}


async def test_delete_of_a_todos_url_removes_it(browser: Browser) -> None:
    todo = await browser.create(title="going")
    kept = await browser.create(title="staying")
    assert (await browser.delete(todo["url"])).status_code == 204
    assert (await browser.get(todo["url"])).status_code == 404
    assert await browser.todos() == [kept]


# Tracking todo order.


async def test_order_is_set_at_create_changed_by_patch_and_remembered(browser: Browser) -> None:
    todo = await browser.create(title="ordered", order=523)
    assert todo["order"] == 523
    patched = await browser.patch(todo["url"], {"order": 95})
    assert patched.json()["order"] == 95
    assert (await browser.get(todo["url"])).json()["order"] == 95


async def test_the_list_follows_the_orders(browser: Browser) -> None:
    for title, order in [("third", 3), ("first", 1), ("last", None), ("second", 2)]:
        await browser.create(title=title, order=order)
    assert [todo["title"] for todo in await browser.todos()] == ["first", "second", "third", "last"]


async def test_errors_are_json_naming_the_field(browser: Browser) -> None:
    blank = await browser.post("/todos", {"title": "   "})
    assert blank.status_code == 400
    assert list(blank.json()) == ["title"]
    wrong_type = await browser.post("/todos", {"title": "x", "completed": "yes"})
    assert wrong_type.status_code == 400
    assert list(wrong_type.json()) == ["completed"]
    assert (await browser.get("/todos/2147483647")).json() == {"detail": "Not found."}
    assert await browser.todos() == []


# REST and GraphQL: one set of todos, one stream of events.

TODOS = "query { todos(first: 100) { nodes { id title completed order version } } }"
GET = "query($id: ID!) { todo(id: $id) { id title version } }"
DELETE = "mutation($id: ID!) { deleteTodo(id: $id) { __typename } }"


async def test_a_rest_create_appears_in_graphql(browser: Browser, service: Service) -> None:
    todo = await browser.create(title="from REST", order=2)
    nodes = (await mutate(service, TODOS))["todos"]["nodes"]
    assert nodes == [
        {"id": global_id(todo), "title": "from REST", "completed": False, "order": 2, "version": 1}
    ]
    await browser.patch(todo["url"], {"completed": True})
    fetched = (await mutate(service, GET, id=global_id(todo)))["todo"]
    assert fetched["version"] == 2


async def test_a_graphql_delete_makes_the_rest_get_404(browser: Browser, service: Service) -> None:
    todo = await browser.create(title="doomed")
    deleted = await mutate(service, DELETE, id=global_id(todo))
    assert deleted["deleteTodo"]["__typename"] == "DeletedTodo"
    response = await browser.get(todo["url"])
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_rest_writes_reach_todo_events_subscribers(
    browser: Browser, service: Service, protocol: str
) -> None:
    async with listening(service, protocol) as listener:
        todo = await browser.create(title="announced")
        await browser.patch(todo["url"], {"title": "renamed", "completed": True})
        await browser.delete(todo["url"])
        received = await listener.take(3)
    todo_id = global_id(todo)
    assert [(event["kind"], event["id"]) for event in received] == [
        ("CREATED", todo_id),
        ("UPDATED", todo_id),
        ("DELETED", todo_id),
    ]
    created, updated, _ = (event["todo"] for event in received)
    assert (created["title"], created["version"]) == ("announced", 1)
    assert (updated["title"], updated["completed"], updated["version"]) == ("renamed", True, 2)
    assert received[2]["todo"] is None
