"""The Starlette application, assembled from its parts by create_app(settings).

uvicorn --factory app:main       the service, with the settings of its environment
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from tortoise.contrib.starlette import RegisterTortoise

import rest
from graph.fast.path import FastPath
from graph.http import GraphQLView
from graph.persisted import PersistedDocuments, load_manifest
from graph.schema import build_schema, limits
from graph.sse import GraphQLStream
from models.database import tortoise_config
from settings import Settings
from todos import events
from todos.relay import relay_events
from web import endpoints, logs, outage
from web.auth import RequireToken
from web.bodylimit import BodyLimit
from web.cors import CORS
from web.forwarded import TrustedProxies
from web.metrics import Metrics
from web.metrics import page as metrics_page
from web.tokens import TokenVerifier

GRAPHIQL_ASSETS = Path(__file__).parent / "static" / "graphiql"


@asynccontextmanager
async def lifespan(
    app: Starlette, settings: Settings, documents: PersistedDocuments, metrics: Metrics | None
) -> AsyncIterator[None]:
    # RegisterTortoise keeps one ORM context for every request; tables come from migrations only.
    config = tortoise_config(settings.database_url, settings.database_pool_max)
    async with (
        RegisterTortoise(app, config=config, generate_schemas=False),
        events.running(events.hub, settings.event_retention_seconds),
        relay_events(settings.redis_url, events.hub) as relay,
    ):
        # /health reports on the relay; None when the processes do not wake each other.
        app.state.relay = relay
        sampling = asyncio.create_task(metrics.keep_up()) if metrics else None
        # What startup made (the schema, the ORM's models, the modules) lives as long as the
        # process: frozen, the collector no longer walks it. Each full collection walked it all
        # for 15-50 ms with nothing to collect, the requests waiting: most of the p99.
        gc.collect()
        gc.freeze()
        yield
        gc.unfreeze()  # collectable again (a test process starts many apps)
        if sampling is not None:
            sampling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampling
    await documents.aclose()
    if metrics is not None:
        metrics.close()


def create_app(settings: Settings) -> Starlette:
    logs.configure(settings.log_level, as_json=settings.production)
    schema = build_schema(settings)
    # Documents seen before skip graphql-core's per-field work (graph/fast/).
    fast_path = (
        FastPath(schema, limits(settings), hide_suggestions=settings.production)
        if settings.graphql_fast_path
        else None
    )
    # AUTH_MODE=jwt: every request runs as the user its token names (web/auth.py).
    verifier = TokenVerifier(settings) if settings.auth_mode == "jwt" else None
    # Persisted queries' documents: in Redis when it is set, so that every replica knows them.
    trusted = load_manifest(settings.persisted_documents) if settings.persisted_documents else {}
    documents = PersistedDocuments(settings.redis_url, trusted, only=settings.persisted_only)
    # METRICS=true: Prometheus's figures on /metrics, summed over the workers (web/metrics.py).
    metrics = Metrics(settings) if settings.metrics else None
    graphql = GraphQLView(schema, settings, fast_path, verifier, documents, metrics)
    # graphql-sse, for clients without WebSockets; under the same connection cap.
    stream = GraphQLStream(schema, settings, documents, graphql.connections)
    app = Starlette(
        routes=[
            # First: the router tries the routes in order, and nearly every request is this one.
            Route("/graphql", graphql, methods=["GET", "POST"], name="graphql"),
            Route("/", endpoints.root, name="root"),
            Route("/health", endpoints.health, name="health"),
            WebSocketRoute("/graphql", graphql, name="graphql_ws"),
            Route("/graphql/stream", stream, methods=["GET", "POST"], name="graphql_stream"),
            # GraphiQL's scripts and styles, served by the service itself (no CDN).
            Mount("/graphiql", app=StaticFiles(directory=GRAPHIQL_ASSETS), name="graphiql"),
            *rest.routes,
            *([Route("/metrics", metrics_page, name="metrics")] if metrics else []),
        ],
        middleware=[
            # Where Starlette's own (max_body_size=) would be: outermost but for its 500s.
            Middleware(BodyLimit, max_body_size=settings.max_body_bytes),
            Middleware(TrustedProxies, allowed=settings.forwarded_allow_ips),
            # Each request's id, access line and (METRICS=true) metrics, recorded at its end.
            Middleware(
                logs.RequestIds,
                log_access=settings.production,
                measure=metrics.record if metrics else None,
            ),
            Middleware(
                CORS,
                allow_origins=list(settings.cors_allow_origins),
                allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
                allow_headers=["*"],
                max_age=600,
            ),
            # Inside CORS, so that a browser can read a 401 (and preflights need no token).
            *([Middleware(RequireToken, verifier=verifier)] if verifier else []),
        ],
        exception_handlers={**rest.exception_handlers, **outage.EXCEPTION_HANDLERS},
        lifespan=partial(lifespan, settings=settings, documents=documents, metrics=metrics),
    )
    app.state.settings = settings
    app.state.metrics = metrics  # the subscriptions count themselves there
    # As in the original API, "/todos/" is not "/todos": no redirects between the two spellings.
    app.router.redirect_slashes = False
    return app


def main() -> Starlette:
    """The app uvicorn serves (`--factory app:main`): settings from the environment, read once."""
    return create_app(Settings.from_environment())
