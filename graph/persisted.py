"""Persisted documents. Automatic persisted queries (Apollo's APQ protocol, which urql's
persistedExchange speaks too): a client sends a document's SHA-256 in `extensions.persistedQuery`,
and its text only when the service does not know it yet (PersistedQueryNotFound), so that most
requests carry no document (and fit a GET, which a CDN can cache). Trusted documents
(PERSISTED_DOCUMENTS, a manifest in Apollo's format) are known from the start; with
PERSISTED_ONLY nothing else runs, by hash or by byte-identical text, and APQ registers nothing.

Registered documents are kept in Redis when REDIS_URL is set, so that every replica knows them,
and otherwise in this process (the last DOCUMENTS_KEPT used). Redis being away costs round
trips, never an answer: an unknown hash is then PersistedQueryNotFound and the text runs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import string
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphql import GraphQLSyntaxError, OperationDefinitionNode, parse

from settings import SettingError

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

DOCUMENTS_KEPT = 10_000
HEX_DIGITS = frozenset(string.hexdigits)
REDIS_PREFIX = "todobackend:document:"
REDIS_DAYS = 30  # a registered document lives that long after its last registration


class PersistedQueryNotFound(Exception):
    """A hash whose document is not registered (yet): the client sends the text along."""


class PersistedQueryRefused(Exception):
    """A persistedQuery extension the service cannot take; the message says why."""


class PersistedQueryNotAllowed(Exception):
    """PERSISTED_ONLY: a document that is not one of the trusted ones."""

    def __str__(self) -> str:
        return "Only the service's persisted documents run here: send one of them by its hash."


MANIFEST_FORMAT = "apollo-persisted-query-manifest"


def load_manifest(path: str) -> dict[str, str]:
    """The trusted documents of an Apollo persisted query manifest, by SHA-256; a file that is
    not one stops the service, naming PERSISTED_DOCUMENTS."""
    try:
        manifest = json.loads(Path(path).read_text(encoding="utf-8"))
        if manifest.get("format") != MANIFEST_FORMAT or manifest.get("version") != 1:
            raise ValueError(f'expected {{"format": "{MANIFEST_FORMAT}", "version": 1, ...}}')
        documents: dict[str, str] = {}
        for operation in manifest["operations"]:
            body, digest = operation["body"], operation["id"]
            if not isinstance(body, str) or sha256(body) != digest:
                raise ValueError(f"operation {operation.get('name')!r}: its id is not its SHA-256")
            documents[digest] = body
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise SettingError("PERSISTED_DOCUMENTS", f"{path}: {error}") from None
    return documents


def manifest(documents: dict[str, str]) -> dict[str, Any]:
    """An Apollo persisted query manifest of `documents` (by file name, each one operation)."""
    operations = []
    for source, body in sorted(documents.items()):
        try:
            definitions = parse(body).definitions
        except GraphQLSyntaxError as error:
            raise ValueError(f"{source}: {error.message}") from None
        ops = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
        if len(ops) != 1 or ops[0].name is None:
            raise ValueError(f"{source}: expected one named operation (and its fragments)")
        operation = ops[0]
        assert operation.name is not None
        operations.append(
            {"id": sha256(body), "name": operation.name.value,
             "type": operation.operation.value, "body": body}
        )  # fmt: skip
    return {"format": MANIFEST_FORMAT, "version": 1, "operations": operations}


def persisted_hash(extensions: object) -> str | None:
    """The SHA-256 a request's extensions name (None: not a persisted query)."""
    if not isinstance(extensions, dict) or "persistedQuery" not in extensions:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise PersistedQueryRefused("Only persistedQuery version 1 is supported.")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or len(digest) != 64 or not set(digest) <= HEX_DIGITS:
        raise PersistedQueryRefused("persistedQuery.sha256Hash must be 64 hex digits.")
    return digest.lower()


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


class PersistedDocuments:
    """The trusted documents, and the registered ones: in Redis (`redis_url`), or the last
    DOCUMENTS_KEPT here. `only`: the trusted ones alone run."""

    def __init__(
        self, redis_url: str = "", trusted: dict[str, str] | None = None, only: bool = False
    ) -> None:
        self.redis_url = redis_url
        self.trusted = trusted or {}
        self.only = only
        self._redis: Redis | None = None
        self._local: OrderedDict[str, str] = OrderedDict()

    async def resolve(self, query: object, extensions: object) -> Any:
        """The document to run: `query` itself, or the one its persistedQuery hash names
        (registering `query` under it when both come). Raises PersistedQueryNotFound,
        PersistedQueryNotAllowed (PERSISTED_ONLY), or PersistedQueryRefused for a hash that is
        not the text's."""
        digest = persisted_hash(extensions)
        if self.only:
            digest = digest or (sha256(query) if isinstance(query, str) else None)
            if digest not in self.trusted or (
                isinstance(query, str) and query != self.trusted[digest]
            ):
                raise PersistedQueryNotAllowed()
            return self.trusted[digest]
        if digest is None:
            return query
        if digest in self.trusted and not isinstance(query, str):
            return self.trusted[digest]
        if isinstance(query, str):
            if sha256(query) != digest:
                raise PersistedQueryRefused("The query's SHA-256 is not persistedQuery.sha256Hash.")
            await self._put(digest, query)
            return query
        found = await self._get(digest)
        if found is None:
            raise PersistedQueryNotFound()
        return found

    async def resolve_once(self, state: Any, query: object, extensions: object) -> Any:
        """resolve(), once for a request's operation (`state`: the request's Starlette state):
        the fast path's lane and the plain path after it read the same body, and a lookup (or an
        APQ registration) is a Redis round trip with REDIS_URL. A batch's operations differ."""
        if extensions is None and not self.only:
            return query  # no persisted query: nothing to look up
        done: tuple[object, object, Any, Exception | None] | None
        done = getattr(state, "persisted_document", None)
        if done is None or (done[0], done[1]) != (query, extensions):
            try:
                done = (query, extensions, await self.resolve(query, extensions), None)
            except (PersistedQueryNotFound, PersistedQueryNotAllowed, PersistedQueryRefused) as e:
                done = (query, extensions, None, e)
            state.persisted_document = done
        _, _, document, error = done
        if error is not None:
            raise error
        return document

    async def _get(self, digest: str) -> str | None:
        local = self._local.get(digest)
        if local is not None:
            self._local.move_to_end(digest)
            return local
        if not self.redis_url:
            return None
        try:
            stored = await self._client().get(REDIS_PREFIX + digest)
        except Exception as error:  # Redis away: as if unknown, the client sends the text
            logger.warning("persisted queries: cannot read from Redis (%s)", error)
            return None
        if stored is None:
            return None
        text = stored.decode() if isinstance(stored, bytes) else str(stored)
        self._remember(digest, text)
        return text

    async def _put(self, digest: str, document: str) -> None:
        self._remember(digest, document)
        if not self.redis_url:
            return
        try:
            await self._client().set(REDIS_PREFIX + digest, document, ex=REDIS_DAYS * 86_400)
        except Exception as error:  # Redis away: known here, and registered again later
            logger.warning("persisted queries: cannot write to Redis (%s)", error)

    def _remember(self, digest: str, document: str) -> None:
        self._local[digest] = document
        self._local.move_to_end(digest)
        if len(self._local) > DOCUMENTS_KEPT:
            self._local.popitem(last=False)

    def _client(self) -> Redis:
        if self._redis is None:
            # Imported here: the client library weighs about 13 MB (as todos/relay.py says).
            from redis.asyncio import Redis

            self._redis = Redis.from_url(self.redis_url, socket_timeout=1, socket_connect_timeout=1)
        return self._redis

    async def aclose(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None
