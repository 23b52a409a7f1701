"""The benchmark command runs end to end and reports every figure it promises.

Only the shape of the report is checked here; the figures themselves are measured by
`make bench` and reported, never asserted (shared machines are noisy).
"""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from siteconf.tenancy.models import Studio

pytestmark = pytest.mark.django_db


def test_bench_reports_provisioning_and_resolution_figures(tmp_path, capsys):
    report_path = tmp_path / "bench.json"
    studios_before = Studio.objects.count()

    call_command(
        "bench", only="resolve,provisioning", count=1, requests=50, json_path=str(report_path)
    )

    figures = json.loads(report_path.read_text())["figures"]
    for key in (
        "provision_clone_p50_s",
        "provision_migrate_p50_s",
        "tenant_resolve_us",
        "tenant_resolve_uncached_us",
    ):
        assert figures[key] > 0, key
    assert figures["provision_runs"] == 1
    assert "provision_clone_p50_s" in capsys.readouterr().out
    # The benchmark's studios are dropped again.
    assert Studio.objects.count() == studios_before


def test_bench_refuses_an_unknown_benchmark():
    with pytest.raises(SystemExit):
        call_command("bench", only="nonsense")
