"""Behind a proxy: the scheme and host a trusted proxy forwards, and only from it.

X-Forwarded-Proto and X-Forwarded-Host count only when the request comes from an
address in FORWARDED_ALLOW_IPS (as uvicorn's --forwarded-allow-ips, which the service's commands
turn off so that this is the one place deciding); from anyone else they are ignored, so no client
can make the service write URLs (REST's `url`s and `Location`s) on a host of its choosing.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

# A host, optionally with a port, as X-Forwarded-Host may name it; anything else is ignored.
_HOST = re.compile(r"(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
ADDRESSES_KEPT = 1_024  # clients' addresses whose trust is remembered


def networks(allowed: Iterable[str]) -> tuple[Network, ...] | None:
    """The trusted addresses (None: "*", every address), as uvicorn writes them."""
    parsed: list[Network] = []
    for entry in allowed:
        entry = entry.strip()
        if entry == "*":
            return None
        if entry:
            parsed.append(ipaddress.ip_network(entry, strict=False))
    return tuple(parsed)


def _first(value: bytes | None) -> str:
    return (value or b"").decode("latin-1").partition(",")[0].strip()


class TrustedProxies:
    """Applies the forwarded scheme and host of requests from trusted proxies."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        self.trusted = networks(allowed)
        # Parsing the client's address took longer than the rest of this: once per address.
        self._trusts_address = functools.lru_cache(maxsize=ADDRESSES_KEPT)(self._decide)

    def _decide(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.trusted or ())

    def _trusts(self, scope: Scope) -> bool:
        client = scope.get("client")
        if self.trusted is None:
            return True
        if not client or not isinstance(client[0], str):
            return False
        return self._trusts_address(client[0])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self._trusts(scope):
            proto = forwarded_host = None
            for name, value in scope["headers"]:  # the last of each, if repeated
                if name == b"x-forwarded-proto":
                    proto = value
                elif name == b"x-forwarded-host":
                    forwarded_host = value
            if proto is not None or forwarded_host is not None:  # else nothing to apply
                scope = _forwarded(scope, proto, forwarded_host)
        await self.app(scope, receive, send)


def _forwarded(scope: Scope, proto: bytes | None, forwarded_host: bytes | None) -> Scope:
    """A copy of `scope` with the forwarded scheme and host that are well formed."""
    scope = dict(scope)
    scheme = _first(proto).lower()
    if scheme in ("http", "https"):
        secure = scheme == "https"
        if scope["type"] == "websocket":
            scheme = "wss" if secure else "ws"
        scope["scheme"] = scheme
    host = _first(forwarded_host)
    if _HOST.fullmatch(host):
        others = [(name, value) for name, value in scope["headers"] if name != b"host"]
        scope["headers"] = [*others, (b"host", host.encode("latin-1"))]
    return scope
