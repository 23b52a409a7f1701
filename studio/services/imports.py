"""Import services: the one way data comes in from files, for the admin and the command line.

`import_file` runs an import start to finish and returns its report. The admin works through
ImportJob rows instead: `import_job_create` keeps the upload, `import_job_start` runs its
current phase (preview, then import) in the request for small files or on the django-q2
worker for large ones, and the job page follows its progress.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable

from django.db import connection, connections, transaction
from django.utils import timezone

from siteconf.tasks import task_enqueue
from studio.imports.engine import import_run
from studio.imports.types import ImportReport
from studio.imports.values import Locale
from studio.models import ImportJob
from studio.resources import RESOURCES, resource_for
from studio.selectors.settings import studio_settings_get
from studio.services.errors import StudioError
from studio.services.permissions import model_permission, permission_check
from studio.services.readonly import StudioReadOnly, studio_writable_check

# Files with more data rows than this run on the worker, with a progress bar.
BACKGROUND_FROM_ROWS = 2_000
MAX_UPLOAD = 50 * 1024 * 1024
RUN_TASK = "studio.tasks.import_job_task"


def import_permissions(resource_key: str) -> tuple[str, str]:
    """Importing creates and updates rows, so it takes both permissions on the model."""
    model = RESOURCES[resource_key]._meta.model
    return model_permission(model, "add"), model_permission(model, "change")


def import_file(
    *,
    resource_key: str,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    by=None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    try:
        resource = resource_for(resource_key)()
    except KeyError as exc:
        raise StudioError(exc.args[0], field="resource") from None
    permission_check(by, *import_permissions(resource_key))
    if not dry_run:
        studio_writable_check()
    settings = studio_settings_get()
    return import_run(
        resource=resource,
        data=data,
        filename=filename,
        locale=Locale.from_code(settings.locale),
        tz=settings.tz,
        by=by,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        progress=progress,
    )


def estimated_rows(data: bytes) -> int:
    """Cheap size estimate, used only to choose between the request and the worker. An XLSX
    is judged by what it unpacks to, which its ZIP directory tells without unpacking: a small
    file that unpacks to a lot is work for the worker, not for the web server."""
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                unpacked = sum(member.file_size for member in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return 0  # not a workbook: the reader says so at once
        return unpacked // 250  # an XLSX row of a few cells unpacks to roughly this much
    return max(0, data.count(b"\n") - 1)


def import_job_create(*, resource_key: str, filename: str, data: bytes, by=None) -> ImportJob:
    studio_writable_check()
    if resource_key not in RESOURCES:
        raise StudioError(f"Unknown import type “{resource_key}”.", field="resource")
    permission_check(by, *import_permissions(resource_key))
    if not data:
        raise StudioError("The file is empty.", field="file")
    if len(data) > MAX_UPLOAD:
        raise StudioError(
            f"The file is larger than {MAX_UPLOAD // (1024 * 1024)} MB; split it.", field="file"
        )
    rows = estimated_rows(data)
    return ImportJob.objects.create(
        resource=resource_key,
        filename=filename[:255],
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        rows_total=rows,
        background=rows > BACKGROUND_FROM_ROWS,
        created_by=by if getattr(by, "pk", None) else None,
    )


def import_job_start(*, job: ImportJob) -> ImportJob:
    """Run the job's current phase now (small files) or queue it for the worker."""
    if job.background:
        task_enqueue(RUN_TASK, str(job.pk), schema_name=connection.schema_name)
        return job
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def import_job_confirm(*, job: ImportJob, skip_invalid: bool, by=None) -> ImportJob:
    """The user looked at the preview and asked for the real import."""
    permission_check(by, *import_permissions(job.resource))
    studio_writable_check()
    updated = ImportJob.objects.filter(
        pk=job.pk, phase=ImportJob.Phase.PREVIEW, status=ImportJob.Status.PREVIEWED
    ).update(
        phase=ImportJob.Phase.IMPORT,
        status=ImportJob.Status.QUEUED,
        skip_invalid=skip_invalid,
        rows_done=0,
    )
    if not updated:
        raise StudioError("This import has already been started or cancelled.")
    job.refresh_from_db()
    return import_job_start(job=job)


def import_job_cancel(*, job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED).update(
        status=ImportJob.Status.CANCELLED, data=b"", finished_at=timezone.now()
    )


class _ProgressWriter:
    """Writes progress through a connection of its own, so the page polling the job sees it
    while the import's own transaction is still open."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.conn = None
        if connection.in_atomic_block:
            return  # run inside a caller's transaction (tests, shell): nothing to show
        self.conn = connections.create_connection("default")
        self.conn.set_schema(connection.schema_name)

    def __call__(self, done: int, total: int) -> None:
        if self.conn is None:
            return
        with self.conn.cursor() as cursor:
            cursor.execute(
                "UPDATE studio_importjob SET rows_done = %s, rows_total = %s WHERE id = %s",
                [done, total, self.job_id],
            )

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def import_job_run(*, job_id) -> ImportJob | None:
    """Run a queued job's phase. Safe to call twice: only the first call claims the job."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    job = ImportJob.objects.get(pk=job_id)
    progress = _ProgressWriter(job.pk)
    try:
        report = import_file(
            resource_key=job.resource,
            data=bytes(job.data),
            filename=job.filename,
            dry_run=job.phase == ImportJob.Phase.PREVIEW,
            skip_invalid=job.skip_invalid,
            by=job.created_by,
            progress=progress,
        )
    except StudioReadOnly as exc:
        # The studio lapsed while the job waited: a clear outcome, not a retried failure.
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            report={"file_errors": [exc.message]},
            finished_at=timezone.now(),
        )
        return ImportJob.objects.get(pk=job.pk)
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            report={"file_errors": [f"The import failed unexpectedly: {exc}"]},
            finished_at=timezone.now(),
        )
        raise
    finally:
        progress.close()
    done = job.phase == ImportJob.Phase.IMPORT or bool(report.file_errors)
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE if done else ImportJob.Status.PREVIEWED,
            report=report.as_dict(),
            rows_total=report.rows,
            rows_done=report.rows,
            finished_at=timezone.now() if done else None,
            # The file is no longer needed once it has been imported (or cannot be).
            **({"data": b""} if done else {}),
        )
    job.refresh_from_db()
    return job
