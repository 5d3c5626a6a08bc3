"""create_app(settings): apps with different settings side by side in one process, each as its
settings say (nothing is read from the environment or a global once built)."""

from __future__ import annotations

import gc
from pathlib import Path

from app import create_app
from settings import Settings
from tests.conftest import AppClient

INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_a_production_app_and_a_development_app_in_one_process(
    app_client: AppClient,
) -> None:
    async with app_client(production=True) as production, app_client() as development:
        refused = await production.post(INTROSPECTION)
        allowed = await development.post(INTROSPECTION)
        production_page = await production.http.get("/graphql", headers={"accept": "text/html"})
        development_page = await development.http.get("/graphql", headers={"accept": "text/html"})
        # Suggestions stay out of production's errors.
        typo = await production.post("{ todoStat { total } }")
    assert "errors" in refused
    assert allowed["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    assert "GraphiQL" not in production_page.text
    assert "GraphiQL" in development_page.text
    assert "Did you mean" not in str(typo["errors"])


async def test_limits_come_from_the_settings_of_each_app(app_client: AppClient) -> None:
    aliases = "{ " + " ".join(f"a{n}: todoStats {{ total }}" for n in range(5)) + " }"
    async with app_client(max_aliases=4) as strict, app_client() as usual:
        assert "aliases" in str((await strict.post(aliases))["errors"])
        assert "errors" not in await usual.post(aliases)


async def test_what_startup_made_is_left_to_the_collector_only_after_shutdown(
    tmp_path: Path,
) -> None:
    """Frozen while serving (full collections walked the schema for 15-50 ms: bench's p99)."""
    app = create_app(Settings(database_url=f"sqlite://{tmp_path}/frozen.db", log_level="WARNING"))
    async with app.router.lifespan_context(app):
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
