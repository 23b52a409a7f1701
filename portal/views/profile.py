"""The client's own profile, "Download my data" and "Delete my account".

No page takes a client id: each is the signed-in client's, and an export id of another account
answers 404, like one that does not exist. The rules are in `portal.services.profile` and
`portal.services.data_export`; these views turn forms into calls and refusals into messages.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from portal.auth import portal_login_required
from portal.models import DataExport
from portal.services import data_export, profile
from studio.services.errors import StudioError

SAVED = "Your details are saved."
ERASURE_FILED = (
    "Your request is sent: the studio deletes your data and tells you what the law obliges it "
    "to keep."
)
EXPORT_QUEUED = "Your data is being gathered: this page shows how far it got."
# While an export is being built, its page asks how far it got this often (seconds).
POLL_SECONDS = 2


class ProfileForm(forms.Form):
    phone = forms.CharField(
        label="Phone",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    address = forms.CharField(
        label="Address (printed on your invoices)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
    )
    country = forms.CharField(
        label="Country",
        max_length=2,
        required=False,
        help_text="Two-letter code, for example FR, DE or GB.",
        widget=forms.TextInput(attrs={"autocomplete": "country", "size": 2}),
    )
    vat_number = forms.CharField(
        label="VAT number",
        max_length=30,
        required=False,
        help_text="If you buy as a business: your country's prefix and number, e.g. FR…, DE….",
    )
    notify_documents = forms.BooleanField(
        label="E-mail me new quotes, invoices and contracts", required=False
    )
    notify_reminders = forms.BooleanField(
        label="E-mail me reminders (sessions, payments due)", required=False
    )


@portal_login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    client = request.portal_client
    initial = {name: getattr(client, name) for name in ProfileForm.base_fields}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            profile.profile_update(account=request.portal_account, **form.cleaned_data)
        except StudioError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, SAVED)
            return redirect("portal:profile")
    return render(
        request,
        "portal/profile/profile.html",
        {"form": form, "client": client, "account": request.portal_account},
    )


@portal_login_required
@require_http_methods(["GET", "POST"])
def erasure(request):
    """GET explains what deleting means and asks; POST files the request."""
    client = request.portal_client
    if request.method == "POST":
        try:
            profile.erasure_request(account=request.portal_account)
        except StudioError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, ERASURE_FILED)
        return redirect("portal:profile_delete")
    return render(request, "portal/profile/delete.html", {"client": client})


@portal_login_required
@require_http_methods(["GET", "POST"])
def exports(request):
    """The client's exports, and the button that asks for a new one."""
    account = request.portal_account
    if request.method == "POST":
        try:
            export = data_export.data_export_start(account=account)
        except StudioError as exc:
            messages.error(request, exc.message)
            return redirect("portal:data_exports")
        export.refresh_from_db()
        if export.status != DataExport.Status.DONE:  # a busy worker: say it is on its way
            messages.info(request, EXPORT_QUEUED)
        return redirect("portal:data_export", pk=export.pk)
    rows = [_export_view(e) for e in account.exports.all()[:10]]
    return render(request, "portal/profile/exports.html", {"exports": rows})


def _export_view(export: DataExport) -> dict:
    total = export.total_steps or 0
    percent = int(100 * export.done_steps / total) if total else 0
    return {
        "export": export,
        "percent": 100 if export.status == DataExport.Status.DONE else percent,
        "expires_at": data_export.export_expires_at(export),
        "expired": data_export.export_is_expired(export),
        "pending": export.status in (DataExport.Status.QUEUED, DataExport.Status.RUNNING),
    }


def _own_export(request, pk: int) -> DataExport:
    export = data_export.data_export_for(account=request.portal_account, export_id=pk)
    if export is None:
        raise Http404("No such export.")
    return export


@portal_login_required
def export_detail(request, pk: int):
    """How far the export got. While it is built, a small script asks `export_status` and
    reloads the page once it is ready (a meta refresh would reload it under a screen
    reader's feet); without script, a link reloads it."""
    row = _export_view(_own_export(request, pk))
    return render(
        request,
        "portal/profile/export.html",
        {**row, "poll_ms": POLL_SECONDS * 1000 if row["pending"] else None},
    )


@portal_login_required
@require_GET
def export_status(request, pk: int):
    row = _export_view(_own_export(request, pk))
    export = row["export"]
    return JsonResponse(
        {
            "status": export.status,
            "label": export.get_status_display(),
            "done_steps": export.done_steps,
            "total_steps": export.total_steps,
            "percent": row["percent"],
        },
        headers={"Cache-Control": "private, no-store"},
    )


@portal_login_required
@require_GET
def export_download(request, pk: int):
    """The ZIP, to its own account only, while it is kept; never cached on the way."""
    export = _own_export(request, pk)
    if export.status != DataExport.Status.DONE or not export.archive:
        messages.error(request, data_export.EXPORT_NOT_READY)
        return redirect("portal:data_export", pk=pk)
    if data_export.export_is_expired(export):
        messages.error(request, data_export.EXPORT_EXPIRED)
        return redirect("portal:data_export", pk=pk)
    response = FileResponse(
        export.archive.open("rb"),
        as_attachment=True,
        filename=f"my-data-{export.finished_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response
