"""The import pages: pick what to import, upload, look at the preview, confirm, follow the
progress, read the result. Every step goes through studio/services/imports.py; these views only
check permissions and render."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from studio.imports.types import ImportReport
from studio.imports.values import DATE_ORDER_WORDS, Locale
from studio.models import ImportJob
from studio.resources import RESOURCES
from studio.resources.export import neutralise
from studio.selectors.settings import studio_settings_get
from studio.services.errors import StudioError
from studio.services.imports import (
    BACKGROUND_FROM_ROWS,
    import_job_cancel,
    import_job_confirm,
    import_job_create,
    import_job_start,
    import_permissions,
)

SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "imports"
ERRORS_SHOWN = 200


def can_import(user, key: str) -> bool:
    """What the import service will ask of `user`, asked before the page is drawn."""
    return user.has_perms(import_permissions(key))


def _resource_or_404(key: str):
    if key not in RESOURCES:
        raise Http404("No such import.")
    return RESOURCES[key]


def _job_for(request, job_id) -> ImportJob:
    job = get_object_or_404(ImportJob, pk=job_id)
    if job.resource not in RESOURCES or not can_import(request.user, job.resource):
        raise PermissionDenied
    return job


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet",
        help_text="CSV (any encoding, comma, semicolon or tab) or Excel .xlsx, up to 50 MB.",
    )


def _required(resource_cls, column) -> str:
    if not column.required:
        return ""
    labels = {c.key: c.label for c in resource_cls.import_columns}
    stand_ins = [labels[k] for k in resource_cls.alternatives.get(column.key, ())]
    return "yes, or " + " or ".join(stand_ins) if stand_ins else "yes"


def _describe(resource_cls) -> dict:
    opts = resource_cls._meta.model._meta
    changelist = resource_cls.list_url or f"admin:{opts.app_label}_{opts.model_name}_changelist"
    return {
        "key": resource_cls.key,
        "title": resource_cls.title,
        "columns": [
            {"label": c.label, "aliases": c.aliases, "required": _required(resource_cls, c)}
            for c in resource_cls.import_columns
        ],
        "required": [c.label for c in resource_cls.import_columns if c.required],
        "sample": resource_cls.sample if (SAMPLES / resource_cls.sample).exists() else "",
        "messy": (
            f"messy-{resource_cls.sample}"
            if (SAMPLES / f"messy-{resource_cls.sample}").exists()
            else ""
        ),
        "changelist": reverse(changelist),
    }


def import_index(request, *, admin_site: AdminSite):
    allowed = [key for key in RESOURCES if can_import(request.user, key)]
    if not allowed:
        raise PermissionDenied
    context = {
        **admin_site.each_context(request),
        "title": "Import data",
        "resources": [_describe(RESOURCES[key]) for key in allowed],
        "jobs": ImportJob.objects.filter(resource__in=allowed).defer("data")[:20],
    }
    return TemplateResponse(request, "studio/admin/import_index.html", context)


def import_upload(request, key: str, *, admin_site: AdminSite):
    resource_cls = _resource_or_404(key)
    if not can_import(request.user, key):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_create(
                resource_key=key, filename=upload.name, data=upload.read(), by=request.user
            )
        except StudioError as exc:
            form.add_error("file", exc.message)
        else:
            import_job_start(job=job)
            return redirect("admin:studio_import_job", job_id=job.pk)
    settings_row = studio_settings_get()
    locale = Locale.from_code(settings_row.locale)
    context = {
        **admin_site.each_context(request),
        "title": f"Import {resource_cls.title.lower()}",
        "resource": _describe(resource_cls),
        "form": form,
        "date_order": DATE_ORDER_WORDS[locale.date_order],
        "decimal": "comma" if locale.decimal == "," else "point",
        "background_from": BACKGROUND_FROM_ROWS,
    }
    return TemplateResponse(request, "studio/admin/import_upload.html", context)


def import_job(request, job_id, *, admin_site: AdminSite):
    job = _job_for(request, job_id)
    report = ImportReport.from_dict(job.report) if job.report.get("resource") else None
    context = {
        **admin_site.each_context(request),
        "title": f"{job.get_phase_display()}: {job.filename}",
        "job": job,
        "resource": _describe(RESOURCES[job.resource]),
        "report": report,
        "errors": report.errors[:ERRORS_SHOWN] if report else [],
        "more_errors": max(0, len(report.errors) - ERRORS_SHOWN) if report else 0,
        "file_errors": job.report.get("file_errors", []),
        "running": job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
        "progress_label": (
            f"{job.rows_done:,} / {job.rows_total:,} rows" if job.rows_done else "Reading the file…"
        ),
        "to_write": (report.counts["new"] + report.counts["update"]) if report else 0,
    }
    return TemplateResponse(request, "studio/admin/import_job.html", context)


def import_job_status(request, job_id):
    job = _job_for(request, job_id)
    return JsonResponse(
        {
            "status": job.status,
            "phase": job.phase,
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "percent": job.percent,
        }
    )


@require_POST
def import_job_go(request, job_id):
    job = _job_for(request, job_id)
    skip_invalid = request.POST.get("skip_invalid") == "1"
    try:
        import_job_confirm(job=job, skip_invalid=skip_invalid, by=request.user)
    except StudioError as exc:
        messages.error(request, exc.message)
    return redirect("admin:studio_import_job", job_id=job.pk)


@require_POST
def import_job_drop(request, job_id):
    job = _job_for(request, job_id)
    import_job_cancel(job=job)
    messages.info(request, f"The import of {job.filename} was cancelled; nothing was changed.")
    return redirect("admin:studio_import_index")


def import_job_errors(request, job_id):
    """Every error of the run as a CSV the user can sort and fix from."""
    job = _job_for(request, job_id)
    report = ImportReport.from_dict(job.report) if job.report.get("resource") else None
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Line", "Column", "Value", "Problem"])
    for message in job.report.get("file_errors", []):
        writer.writerow(["", "", "", message])
    for error in report.errors if report else []:
        writer.writerow([error.line, error.column, neutralise(error.value), error.message])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stem = Path(job.filename).stem or "import"
    response["Content-Disposition"] = f'attachment; filename="{stem}-errors.csv"'
    return response


def import_sample(request, name: str):
    """The sample files of fixtures/imports/, for staff to try the import with."""
    if not any(can_import(request.user, key) for key in RESOURCES):
        raise PermissionDenied
    allowed = {p.name for p in SAMPLES.glob("*") if p.suffix in (".csv", ".xlsx")}
    if name not in allowed:
        raise Http404("No such sample file.")
    return FileResponse((SAMPLES / name).open("rb"), as_attachment=True, filename=name)
