"""The Starlette application: routes, middleware and lifespan, assembled."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from tortoise.contrib.starlette import RegisterTortoise

import database
import endpoints
import logs
import rest
import settings
from graph.fast import FastPath
from graph.http import GraphQLView
from graph.schema import LIMITS, schema
from middleware import BodySizeLimit
from redis_relay import relay_events
from todos import events

logs.configure(settings.LOG_LEVEL, as_json=settings.PRODUCTION)

GRAPHIQL_ASSETS = Path(__file__).parent / "static" / "graphiql"

graphql = GraphQLView(
    schema,
    graphql_ide="graphiql" if settings.GRAPHIQL else None,
    # Documents seen before skip graphql-core's per-field work (graph/fast.py).
    fast_path=FastPath(schema, LIMITS) if settings.GRAPHQL_FAST_PATH else None,
)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    # RegisterTortoise keeps one ORM context for every request; tables come from migrations only.
    async with (
        RegisterTortoise(app, config=database.TORTOISE_ORM, generate_schemas=False),
        events.running(events.hub, settings.EVENT_RETENTION_SECONDS),
        relay_events(settings.REDIS_URL, events.hub) as relay,
    ):
        # /health reports on the relay; None when events stay in this process.
        app.state.relay = relay
        yield


app = Starlette(
    routes=[
        Route("/", endpoints.root, name="root"),
        Route("/health", endpoints.health, name="health"),
        Route("/graphql", graphql, methods=["GET", "POST"], name="graphql"),
        WebSocketRoute("/graphql", graphql, name="graphql_ws"),
        # GraphiQL's scripts and styles, served by the service itself (no CDN).
        Mount("/graphiql", app=StaticFiles(directory=GRAPHIQL_ASSETS), name="graphiql"),
        *rest.routes,
    ],
    middleware=[
        Middleware(logs.RequestIds, log_access=settings.PRODUCTION),
        Middleware(
            CORSMiddleware,
            allow_origins=settings.CORS_ALLOW_ORIGINS,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["*"],
            max_age=600,
        ),
        Middleware(BodySizeLimit, max_bytes=settings.MAX_BODY_BYTES),
    ],
    lifespan=lifespan,
)

# As in the original API, "/todos/" is not "/todos": no redirects between the two spellings.
app.router.redirect_slashes = False
