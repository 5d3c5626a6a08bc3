"""web/metrics.py in process: the cap on operation names, /metrics of an app with METRICS=true
(the figures summed over workers: tests/acceptance/test_metrics.py), the Grafana dashboard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from settings import Settings
from tests.conftest import AppClient
from web.metrics import Metrics


def test_operation_names_past_the_cap_are_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # restored afterwards
    metrics = Metrics(Settings(metrics=True, metrics_dir=str(tmp_path), metrics_max_operations=2))
    labels = [metrics.operation_label(name) for name in ("A", "B", "C", "A", None, "D")]
    assert labels == ["A", "B", "other", "A", "anonymous", "other"]


async def test_the_page_counts_requests_by_interface_operation_and_outcome(
    app_client: AppClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    async with app_client(metrics=True, metrics_dir=str(tmp_path)) as client:
        for _ in range(3):
            await client.post("query Counted { todoStats { total } }")
        await client.http.post("/graphql", json={"query": "{ nope }"})
        page = await client.http.get("/metrics")
    assert page.status_code == 200
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(page.text)
        for sample in family.samples
    }
    labels = (("interface", "graphql"), ("operation", "Counted"), ("outcome", "ok"))
    assert samples["todobackend_requests_total", labels] == 3
    bad = (("interface", "graphql"), ("operation", "anonymous"), ("outcome", "user_error"))
    assert samples["todobackend_requests_total", bad] == 1
    validation = (("code", "GRAPHQL_VALIDATION_FAILED"),)
    assert samples["todobackend_graphql_errors_total", validation] == 1


async def test_no_metrics_page_unless_asked(app_client: AppClient) -> None:
    async with app_client() as client:
        assert (await client.http.get("/metrics")).status_code == 404


def test_the_grafana_dashboard_asks_for_metrics_the_service_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    metrics = Metrics(Settings(metrics=True, metrics_dir=str(tmp_path)))
    served = {family.name for family in metrics.exposed.collect()}
    dashboard = (Path(__file__).parents[2] / "deploy" / "grafana-dashboard.json").read_text()
    asked = set(re.findall(r"todobackend_[a-z_]+", dashboard))
    assert asked
    assert {re.sub(r"_(total|bucket|count|sum)$", "", name) for name in asked} <= served
