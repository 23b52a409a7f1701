"""“Download my data”: a ZIP of what the studio holds about a client, built in the background.

The ZIP holds one JSON file per kind of record and the PDF of every document the client was
given (issued invoices, sent quotes, credit notes, receipts, signed contracts) — the stored PDF,
the one they received, never a new rendering — and their projects (tracks, credits, versions,
review comments) with the file of every master they may download (`client_download`, the one
rule: a master held until payment stays out). What it leaves out, and why:
- drafts (quotes, invoices, contracts the studio has not sent yet): the studio's work, not yet
  the client's;
- internal notes (the client's, each session's and each project's notes, recall notes, gear
  alerts, budgets and expenses): the studio's own working notes about the job;
- other clients, staff users (only the names staff sign documents with), secrets (password
  hashes, the hashes of e-mailed links, Stripe ids of the studio's account).

An export is served only to the account that asked for it, for EXPORT_LIFETIME after it is
built; then it is gone and a new one can be asked for.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from datetime import timedelta

from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from portal.models import DataExport, PortalAccount
from siteconf.tasks import task_enqueue
from studio.models import (
    AudioVersion,
    Client,
    Contract,
    CreditNote,
    Invoice,
    Payment,
    Project,
    Quote,
    Session,
)
from studio.models.payments import CardPayment
from studio.selectors.audio_access import client_download
from studio.services.audit import audit_record
from studio.services.errors import StudioError

TASK = "studio.tasks.data_export_task"
EXPORT_LIFETIME = timedelta(days=7)
Status = DataExport.Status

ANONYMISED = "This account's data was deleted: there is nothing left to export."
EXPORT_EXPIRED = "This export expired: exports are kept for 7 days. Ask for a new one."
EXPORT_NOT_READY = "This export is not ready yet."

# Fields the studio keeps to itself (see the module's docstring).
CLIENT_INTERNAL = {"notes"}
SESSION_INTERNAL = {"notes", "recall_notes", "gear_alert", "blocked_until", "created_by"}
NEVER = {"created_by", "recorded_by"}
PROJECT_INTERNAL = {"notes", "budget", "board_position", "masters_released_by"}
TRACK_INTERNAL = {"recall_notes"}
# A version's storage paths mean nothing outside the studio; released masters travel as files.
VERSION_INTERNAL = {"uploaded_by", "file", "preview", "peaks", "sha256", "error", "progress"}
COMMENT_INTERNAL = {"author_user"}


def export_expires_at(export: DataExport):
    return export.finished_at + EXPORT_LIFETIME if export.finished_at else None


def export_is_expired(export: DataExport, *, now=None) -> bool:
    expires = export_expires_at(export)
    return expires is not None and (now or timezone.now()) >= expires


@transaction.atomic
def data_export_start(*, account: PortalAccount) -> DataExport:
    """Queue an export, or return the one already on its way (asking twice builds one)."""
    client = Client.objects.select_for_update().get(pk=account.client_id)
    if client.anonymised_at:
        raise StudioError(ANONYMISED)
    pending = account.exports.filter(status__in=[Status.QUEUED, Status.RUNNING]).first()
    if pending is not None:
        return pending
    export = DataExport.objects.create(account=account)
    audit_record(action="dataexport.requested", obj=export)
    task_enqueue(TASK, export.pk)
    return export


def data_export_for(*, account: PortalAccount, export_id: int) -> DataExport | None:
    """The account's own export, or None: another account's export does not exist for it."""
    return DataExport.objects.filter(pk=export_id, account=account).first()


def _row(obj: models.Model, *, leave_out: set[str] = frozenset()) -> dict:
    row = {}
    for field in obj._meta.concrete_fields:
        if field.name in leave_out or field.name in NEVER or field.name.endswith("_ptr"):
            continue
        if isinstance(field, models.BinaryField):
            continue
        row[field.attname] = getattr(obj, field.attname)
    return row


def _lines(document) -> list[dict]:
    return [_row(line, leave_out={"id"}) for line in document.lines.all()]


def _sections(client: Client, account: PortalAccount) -> list[tuple[str, callable]]:
    """(file name, builder) for each JSON file, in the order they are written."""
    quotes = Quote.objects.filter(client=client).exclude(status=Quote.Status.DRAFT)
    invoices = Invoice.objects.filter(client=client, number__isnull=False)
    notes = CreditNote.objects.filter(invoice__client=client)
    contracts = Contract.objects.filter(client=client).exclude(status=Contract.Status.DRAFT)

    def sessions():
        rows = Session.objects.filter(client=client).select_related("room").order_by("start")
        return [
            {**_row(s, leave_out=SESSION_INTERNAL), "room": s.room.name, "status": s.status}
            for s in rows
        ]

    def portal():
        return {
            "email": account.email,
            "created_at": account.created_at,
            "last_seen_at": account.last_seen_at,
            "documents_viewed": [
                _row(view, leave_out={"id", "account"}) for view in account.views.all()
            ],
            "exports": [
                {"created_at": e.created_at, "status": e.status} for e in account.exports.all()
            ],
        }

    return [
        ("client.json", lambda: _row(client, leave_out=CLIENT_INTERNAL)),
        ("sessions.json", sessions),
        ("payments.json", lambda: [_row(p) for p in Payment.objects.filter(client=client)]),
        (
            "card_payments.json",
            lambda: [_row(c) for c in CardPayment.objects.filter(client=client)],
        ),
        ("quotes.json", lambda: [{**_row(q), "lines": _lines(q)} for q in quotes]),
        ("invoices.json", lambda: [{**_row(i), "lines": _lines(i)} for i in invoices]),
        ("credit_notes.json", lambda: [{**_row(n), "lines": _lines(n)} for n in notes]),
        ("contracts.json", lambda: [_row(c) for c in contracts]),
        ("portal_account.json", portal),
        ("projects.json", lambda: _projects(client)),
    ]


def _projects(client: Client) -> list[dict]:
    """Each project with its tracks, their credits and splits, and every version with its
    review comments (the studio's comments on it too: they were written for the client)."""
    projects = Project.objects.filter(client=client).select_related("stage").order_by("pk")
    projects = projects.prefetch_related(
        "tracks__credits", "tracks__splits", "tracks__versions__comments"
    )
    return [
        {
            **_row(project, leave_out=PROJECT_INTERNAL),
            "stage": project.stage.name,
            "tracks": [
                {
                    **_row(track, leave_out=TRACK_INTERNAL),
                    "credits": [_row(c, leave_out={"track"}) for c in track.credits.all()],
                    "splits": [_row(s, leave_out={"track"}) for s in track.splits.all()],
                    "versions": [
                        {
                            **_row(version, leave_out=VERSION_INTERNAL),
                            "comments": [
                                _row(comment, leave_out=COMMENT_INTERNAL)
                                for comment in version.comments.all()
                            ],
                        }
                        for version in track.versions.all()
                    ],
                }
                for track in project.tracks.all()
            ],
        }
        for project in projects
    ]


def _masters(client: Client) -> list[AudioVersion]:
    """The masters the client may download now; the rest (unpaid, deleted) stay out."""
    masters = AudioVersion.objects.filter(
        track__project__client=client, is_master=True
    ).select_related("track__project")
    return [version for version in masters if client_download(client, version).allowed]


def _documents(client: Client) -> list[callable]:
    """One callable per document PDF the client was given; each returns its StoredPdf."""
    from studio.services.contracts import contract_pdf
    from studio.services.credit_notes import credit_note_pdf
    from studio.services.invoices import invoice_pdf
    from studio.services.payments import payment_receipt_pdf
    from studio.services.quotes import quote_pdf

    makers = []
    for invoice in Invoice.objects.filter(client=client, number__isnull=False):
        makers.append(lambda d=invoice: invoice_pdf(d))
    for quote in Quote.objects.filter(client=client, number__isnull=False).exclude(
        status=Quote.Status.DRAFT
    ):
        makers.append(lambda d=quote: quote_pdf(d))
    for note in CreditNote.objects.filter(invoice__client=client):
        makers.append(lambda d=note: credit_note_pdf(d))
    for payment in Payment.objects.filter(client=client, receipt_number__isnull=False):
        makers.append(lambda d=payment: payment_receipt_pdf(d))
    for contract in Contract.objects.filter(client=client, status=Contract.Status.SIGNED):
        makers.append(lambda d=contract: contract_pdf(d))
    return makers


def data_export_build(*, export_id: int) -> DataExport | None:
    """Build the ZIP, saving progress after each file so the client's page can show it.
    Idempotent: an export already built (or taken by another worker) is left alone."""
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update(skip_locked=True)
            .filter(pk=export_id, status=Status.QUEUED)
            .select_related("account__client")
            .first()
        )
        if export is None:
            return None
        export.status = Status.RUNNING
        export.save(update_fields=["status"])
    account = export.account
    client = account.client
    try:
        sections = _sections(client, account)
        documents = _documents(client)
        masters = _masters(client)
        export.total_steps = len(sections) + len(documents) + len(masters) + 1
        export.save(update_fields=["total_steps"])
        # On disk, not in memory: an album's masters can weigh gigabytes.
        with tempfile.TemporaryFile() as buffer:
            _archive_write(buffer, export, sections, documents, masters)
            buffer.seek(0)
            export.archive.save(f"data-{client.pk}-{export.pk}.zip", File(buffer), save=False)
        export.status = Status.DONE
        export.done_steps = export.total_steps
        export.finished_at = timezone.now()
        export.save(update_fields=["archive", "status", "done_steps", "finished_at"])
    except Exception as exc:
        DataExport.objects.filter(pk=export.pk).update(
            status=Status.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        raise
    return export


def _archive_write(buffer, export: DataExport, sections, documents, masters) -> None:
    names: list[str] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, build in sections:
            archive.writestr(name, json.dumps(build(), cls=DjangoJSONEncoder, indent=2))
            names.append(name)
            _step(export)
        for make in documents:
            stored = make()
            name = f"documents/{stored.filename}"
            archive.writestr(name, bytes(stored.data))
            names.append(name)
            _step(export)
        for version in masters:
            name = _master_name(version)
            # Stored, not deflated (little to gain on audio), and copied a chunk at a time.
            entry = zipfile.ZipInfo(name, date_time=_zip_time(version))
            with (
                version.file.open("rb") as source,
                archive.open(entry, "w", force_zip64=True) as target,
            ):
                shutil.copyfileobj(source, target, 1024 * 1024)
            names.append(name)
            _step(export)
        archive.writestr("README.txt", _readme(names))


def _master_name(version: AudioVersion) -> str:
    track = version.track
    title = "".join(ch if ch.isalnum() or ch in " -_." else "_" for ch in track.title).strip()
    suffix = {"aiff": "aif"}.get(version.audio_format, version.audio_format or "audio")
    return f"masters/p{track.project_id}/{track.number:02d} {title} v{version.number}.{suffix}"


def _zip_time(version: AudioVersion) -> tuple:
    return timezone.localtime(version.uploaded_at).timetuple()[:6]


def _step(export: DataExport) -> None:
    export.done_steps += 1
    DataExport.objects.filter(pk=export.pk).update(done_steps=export.done_steps)


def _readme(names: list[str]) -> str:
    return (
        "Your data, as the studio holds it.\n\n"
        "Each .json file is one kind of record; documents/ holds the PDF of every document\n"
        "you were given, exactly as it was issued, and masters/ the masters released to you\n"
        "(a master waiting for payment is not included). The studio's internal notes and its\n"
        "unsent drafts are not included.\n\nFiles:\n" + "".join(f"- {n}\n" for n in names)
    )
