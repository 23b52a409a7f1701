"""Large files go to the worker, inside their own studio's schema; the command line runs the
same imports and prints the same report."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django_tenants.utils import schema_context

from studio.models import Client, ImportJob
from studio.services.imports import (
    BACKGROUND_FROM_ROWS,
    import_file,
    import_job_confirm,
    import_job_create,
    import_job_start,
)
from studio.tasks import import_job_task
from tests.conftest import STUDIO_A
from tests.imports.conftest import fingerprint

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"


def big_file(rows: int, domain: str = "big.example") -> bytes:
    lines = ["Name,Email"] + [f"Client {n},c{n}@{domain}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_a_large_file_runs_on_the_worker_in_its_own_studio(
    studio_a, studio_b, django_capture_on_commit_callbacks
):
    with schema_context(studio_a.schema_name):
        a_before = fingerprint()
    with schema_context(studio_b.schema_name):
        job = import_job_create(
            resource_key="clients", filename="big.csv", data=big_file(BACKGROUND_FROM_ROWS + 500)
        )
        assert job.background
        with django_capture_on_commit_callbacks(execute=True) as queued:
            import_job_start(job=job)
        assert len(queued) == 1  # the preview went to the worker, not the request
        job.refresh_from_db()
        assert job.status == "previewed" and job.report["counts"]["new"] == 2_500
        assert job.rows_done == job.rows_total == 2_500
        assert Client.objects.count() == 0
        with django_capture_on_commit_callbacks(execute=True):
            import_job_confirm(job=job, skip_invalid=False)
        job.refresh_from_db()
        assert job.status == "done" and Client.objects.count() == 2_500
    with schema_context(studio_a.schema_name):
        assert fingerprint() == a_before
        assert not ImportJob.objects.filter(pk=job.pk).exists()


def test_the_task_runs_a_job_once_however_often_it_is_delivered(studio_a):
    with schema_context(studio_a.schema_name):
        job = import_job_create(resource_key="clients", filename="c.csv", data=big_file(10))
    assert import_job_task(studio_a.schema_name, str(job.pk)).startswith("previewed")
    assert import_job_task(studio_a.schema_name, str(job.pk)) == "already taken"


def test_the_task_refuses_to_run_without_a_studio(studio_a):
    from siteconf.tasks import TaskSchemaError

    with pytest.raises(TaskSchemaError):
        import_job_task("public", "00000000-0000-0000-0000-000000000000")


def test_progress_is_reported_as_rows_are_checked(in_studio_a):
    seen = []
    import_file(
        resource_key="clients",
        data=big_file(5_000),
        filename="c.csv",
        dry_run=True,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(2_000, 5_000), (4_000, 5_000), (5_000, 5_000)]


def test_import_data_command_prints_the_report_and_writes(studio_a, tmp_path):
    out = io.StringIO()
    call_command(
        "import_data", str(SAMPLES / "rooms.csv"), studio=STUDIO_A.slug, model="rooms", stdout=out
    )
    assert "Imported: 3 created, 0 updated, 0 unchanged." in out.getvalue()
    with schema_context(studio_a.schema_name):
        assert Client.objects.count() == 0
        from studio.models import Room

        assert Room.objects.count() == 3


def test_import_data_command_dry_run_and_refusal_exit_non_zero(studio_a):
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "import_data",
            str(SAMPLES / "messy-clients.csv"),
            studio=STUDIO_A.slug,
            model="clients",
            dry_run=True,
            stdout=out,
        )
    assert exited.value.code == 1
    assert "line 6, Courriel: “jo.smith@@example.com” Enter a valid email address." in (
        out.getvalue()
    )
    with schema_context(studio_a.schema_name):
        assert Client.objects.count() == 0


def test_import_data_command_names_unknown_studios(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No studio “nowhere”"):
        call_command("import_data", str(SAMPLES / "rooms.csv"), studio="nowhere", model="rooms")


def test_export_data_command_writes_a_file_the_import_reads_back(studio_a, tmp_path):
    call_command(
        "import_data",
        str(SAMPLES / "clients.csv"),
        studio=STUDIO_A.slug,
        model="clients",
        stdout=io.StringIO(),
    )
    target = tmp_path / "clients.xlsx"
    call_command(
        "export_data",
        studio=STUDIO_A.slug,
        model="clients",
        format="xlsx",
        output=str(target),
        stderr=io.StringIO(),
    )
    out = io.StringIO()
    call_command("import_data", str(target), studio=STUDIO_A.slug, model="clients", stdout=out)
    assert "Nothing to import: every row is already up to date." in out.getvalue()
