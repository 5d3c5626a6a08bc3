"""X-Forwarded-Proto and X-Forwarded-Host count only from FORWARDED_ALLOW_IPS."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from app import create_app
from settings import Settings

FORWARDED = {"x-forwarded-proto": "https", "x-forwarded-host": "todos.example.com"}


@asynccontextmanager
async def from_address(address: str, **settings: object) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app built with `settings`, whose requests come from `address`."""
    app = create_app(Settings(log_level="WARNING", **settings))  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://service:8000") as http:
        yield http


async def root_urls(http: httpx.AsyncClient) -> set[str]:
    return set((await http.get("/", headers=FORWARDED)).json().values())


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", ("127.0.0.1",)),  # the default: a proxy on the same machine
        ("10.1.2.3", ("10.0.0.0/8",)),
        ("2001:db8::5", ("2001:db8::/32",)),
        ("203.0.113.9", ("*",)),
    ],
)
async def test_a_trusted_proxy_sets_the_scheme_and_host(
    empty: str, address: str, allowed: tuple[str, ...]
) -> None:
    async with from_address(address, forwarded_allow_ips=allowed) as http:
        urls = await root_urls(http)
    assert all(url.startswith("https://todos.example.com/") for url in urls), urls


@pytest.mark.parametrize("address", ["203.0.113.9", "10.0.0.1", "::1"])
async def test_anyone_else_changes_no_url(empty: str, address: str) -> None:
    async with from_address(address) as http:
        urls = await root_urls(http)
        created = await http.post("/todos", json={"title": "x"}, headers=FORWARDED)
    assert all(url.startswith("http://service:8000/") for url in urls), urls
    assert created.headers["location"].startswith("http://service:8000/todos/")
    assert created.json()["url"] == created.headers["location"]
