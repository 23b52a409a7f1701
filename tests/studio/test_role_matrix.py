"""Every role, on every permission-bearing page and action of the back office, and every service
that writes: what each role may do follows from studio/roles.py, and whatever it may not do is
refused with nothing changed.

The pages are found by introspection (every ModelAdmin of the studio site, each URL it serves,
each changelist action, and every page the site adds), so a new admin or page is in the matrix
the day it is registered; a page whose permission this file does not know fails the coverage
tests until it is written down here.
"""

from __future__ import annotations

import ast
import importlib
import io
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission, User
from django.db import connection, transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django_tenants.utils import schema_context
from psycopg import sql
from unfold.sites import UnfoldAdminSite

import studio
from siteconf.tenancy.models import PlatformAuditEntry
from studio.admin.site import studio_admin_site
from studio.models import (
    AudioVersion,
    AuditEntry,
    ContractTemplate,
    EmailTemplate,
    OutgoingEmail,
    ProjectStage,
    Session,
    StudioSettings,
)
from studio.models.audio import AudioDeletion
from studio.resources import RESOURCES
from studio.roles import OWNER_ROLE, ROLE_PERMISSIONS, role_permissions
from studio.services import (
    audio_review,
    audio_uploads,
    contracts,
    credit_notes,
    equipment,
    erasure,
    imports,
    invoices,
    payments,
    projects,
    quotes,
    records,
    retention,
    rooms,
    session_lifecycle,
    sessions,
    staff,
    staff_links,
)
from studio.services import settings as studio_settings
from studio.services.contracts import contract_create
from studio.services.credit_notes import credit_note_create
from studio.services.errors import PermissionRefused, StudioError
from studio.services.imports import import_job_create, import_permissions
from studio.services.invoices import invoice_create, invoice_issue, invoice_send
from studio.services.lockouts import UNLOCK_PERMISSION
from studio.services.payments import payment_record
from studio.services.quotes import quote_create, quote_send
from studio.services.session_lifecycle import session_check_in
from studio.services.sessions import session_create
from tests.audio.conftest import wav_bytes
from tests.conftest import STUDIO_A, STUDIO_B, forget_media_root
from tests.projects.track_fixtures import fake_peaks
from tests.studio.conftest import paris, staff_user
from tests.studio.factories import ClientFactory, EngineerFactory, EquipmentFactory, RoomFactory
from tests.studio.money.conftest import lines

pytestmark = pytest.mark.django_db

ROLES = list(ROLE_PERMISSIONS)
CAST = [*ROLES, "outsider", "anonymous"]

# --- what each page takes -------------------------------------------------------------------
# A need is a tuple of alternatives; each alternative is the permissions it takes together.
# `()` is nobody; `((),)` is any signed-in member of staff.
EVERYONE = ((),)
NOBODY = ()


def any_of(*perms: str) -> tuple:
    return tuple((perm,) for perm in perms)


def all_of(*perms: str) -> tuple:
    return (tuple(perms),)


def viewing(model: str) -> tuple:
    app, name = model.split(".")
    return any_of(f"{app}.view_{name}", f"{app}.change_{name}")


# The object each admin's pages are opened on (a draft where the admin's rules depend on it).
MODEL_OBJECTS = {
    "auth.group": "group",
    "auth.user": "colleague",
    "axes.accessattempt": "attempt",
    "studio.auditentry": "audit",
    "studio.client": "client",
    "studio.contract": "contract",
    "studio.contracttemplate": "template",
    "studio.creditnote": "note",
    "studio.emailtemplate": "email_template",
    "studio.engineer": "engineer",
    "studio.equipment": "equipment",
    "studio.invoice": "draft_invoice",
    "studio.outgoingemail": "email",
    "studio.payment": "payment",
    "studio.project": "project",
    "studio.projectstage": "stage",
    "studio.quote": "quote",
    "studio.room": "room",
    "studio.session": "session",
    "studio.studiosettings": "settings",
    "studio.track": "track",
}

# Pages no role is given, whatever its permissions: the admin offers the record another way
# (payments from the invoice, credit notes from an invoice, sessions are cancelled, never
# deleted; the trail, the mailbox and the sign-in attempts are written by the studio itself).
NEVER = {
    "studio_auditentry_add",
    "studio_auditentry_change:POST",
    "studio_auditentry_delete",
    "studio_creditnote_add",
    "studio_emailtemplate_add",
    "studio_emailtemplate_delete",
    "studio_creditnote_delete",
    "studio_outgoingemail_add",
    "studio_outgoingemail_change:POST",
    "studio_outgoingemail_delete",
    "studio_payment_add",
    "studio_payment_change:POST",
    "studio_payment_delete",
    "studio_session_delete",
    "studio_studiosettings_add",
    "studio_studiosettings_delete",
    "axes_accessattempt_add",
    "axes_accessattempt_change:POST",
    "axes_accessattempt_delete",
}

# The actions each admin adds (url name: what it takes, the object it is opened on).
ACTIONS = {
    "studio_contract_download_pdf": (viewing("studio.contract"), "contract"),
    "studio_contract_send": (all_of("studio.change_contract"), "contract"),
    "studio_contract_signed_on_paper": (all_of("studio.change_contract"), "contract"),
    "studio_contract_void": (all_of("studio.change_contract"), "contract"),
    "studio_creditnote_download_pdf": (viewing("studio.creditnote"), "note"),
    "studio_creditnote_send": (all_of("studio.change_creditnote"), "note"),
    "studio_invoice_bill_sessions": (all_of("studio.change_invoice"), "draft_invoice"),
    "studio_invoice_credit": (
        all_of("studio.change_invoice", "studio.add_creditnote"),
        "issued_invoice",
    ),
    "studio_invoice_download_pdf": (viewing("studio.invoice"), "issued_invoice"),
    "studio_invoice_issue": (all_of("studio.change_invoice"), "draft_invoice"),
    "studio_invoice_record_payment": (
        all_of("studio.change_invoice", "studio.add_payment"),
        "issued_invoice",
    ),
    "studio_invoice_send": (all_of("studio.change_invoice"), "issued_invoice"),
    "studio_invoice_void": (all_of("studio.change_invoice"), "issued_invoice"),
    "studio_payment_receipt": (any_of("studio.view_payment"), "payment"),
    "studio_payment_refund": (all_of("studio.add_payment"), "payment"),
    "studio_quote_accept": (all_of("studio.change_quote"), "sent_quote"),
    "studio_quote_convert": (all_of("studio.change_quote", "studio.add_invoice"), "sent_quote"),
    "studio_quote_decline": (all_of("studio.change_quote"), "sent_quote"),
    "studio_quote_download_pdf": (viewing("studio.quote"), "quote"),
    "studio_quote_send": (all_of("studio.change_quote"), "quote"),
    "studio_session_cancel_row": (all_of("studio.change_session"), "session"),
    "studio_session_check_in_row": (all_of("studio.change_session"), "session"),
    "studio_session_check_out_row": (all_of("studio.change_session"), "session"),
    "studio_session_confirm_row": (all_of("studio.change_session"), "session"),
    "studio_session_decline_row": (all_of("studio.change_session"), "session"),
    "studio_client_invite_to_portal": (all_of("studio.change_client"), "client"),
    "studio_client_anonymise": (all_of("studio.delete_client"), "client"),
    "studio_session_no_show_row": (all_of("studio.change_session"), "session"),
    "studio_session_take_deposit": (all_of("studio.add_payment"), "session"),
    "studio_session_project_from_session": (
        all_of("studio.add_project", "studio.change_session"),
        "session",
    ),
    # Letting masters go before payment is a money decision as well as a project one.
    "studio_project_release_masters": (
        all_of("studio.change_project", "studio.view_money"),
        "project",
    ),
    "auth_user_send_reset_link": (all_of("auth.change_user"), "colleague"),
    # Offered to whoever changes accounts; the service then lets owners only.
    "auth_user_reset_two_factor": (all_of("auth.change_user"), "colleague"),
    # Someone else's password is never set by hand: they get a link (their own page aside).
    "auth_user_password_change": (NOBODY, "colleague"),
    # Export is reading: whoever sees the list may download it.
    "studio_client_export": (viewing("studio.client"), None),
    "studio_engineer_export": (viewing("studio.engineer"), None),
    "studio_equipment_export": (viewing("studio.equipment"), None),
    "studio_room_export": (viewing("studio.room"), None),
    "studio_session_export": (viewing("studio.session"), None),
    "studio_project_export": (viewing("studio.project"), None),
}

# Changelist actions other than Django's delete_selected (which takes the delete permission).
BULK_ACTIONS = {
    "studio.session:bill_selected": all_of("studio.add_invoice"),
    "axes.accessattempt:unlock_logins": all_of(UNLOCK_PERMISSION),
    "axes.accessattempt:unlock_addresses": all_of(UNLOCK_PERMISSION),
}

# Pages that answer an allowed role with a redirect: the settings list is its one row.
REDIRECTS = {"studio_studiosettings_changelist"}

IMPORTING = tuple(import_permissions(key) for key in RESOURCES)
DRAFTING = any_of("studio.add_invoice", "studio.change_invoice", "studio.add_quote")
DRAFTING += any_of("studio.change_quote")
FEED = "?start=2026-11-30T00:00:00&end=2026-12-07T00:00:00"


@dataclass(frozen=True)
class Custom:
    """A page the site adds: what it takes, and how a role that may use it is shown it."""

    need: tuple | None  # None: open to anyone, the link or the host is the credential
    method: str = "GET"
    args: tuple = ()
    query: str = ""
    allowed_status: int = 200
    probe: dict = field(default_factory=dict)  # the harmless request an allowed role makes
    writes: bool = False  # the allowed probe writes: made after everything else


CUSTOM = {
    "studio_import_index": Custom(IMPORTING),
    "studio_import_sample": Custom(IMPORTING, args=("clients.csv",)),
    "studio_import_upload": Custom((import_permissions("clients"),), args=("clients",)),
    "studio_import_job": Custom((import_permissions("clients"),), args=("job",)),
    "studio_import_job_status": Custom((import_permissions("clients"),), args=("job",)),
    "studio_import_job_errors": Custom((import_permissions("clients"),), args=("job",)),
    "studio_import_job_go": Custom(
        (import_permissions("clients"),), "POST", ("job",), allowed_status=302, writes=True
    ),
    "studio_import_job_cancel": Custom(
        (import_permissions("clients"),), "POST", ("job",), allowed_status=302, writes=True
    ),
    "welcome": Custom(None, args=("not-a-token",)),
    "demo_visit": Custom(None),
    "staff_set_password": Custom(None, args=("MQ", "not-a-token")),
    "onboarding": Custom(all_of("studio.change_studiosettings"), allowed_status=302),
    "onboarding_step": Custom(all_of("studio.change_studiosettings"), args=(1,)),
    "onboarding_dismiss": Custom(
        all_of("studio.change_studiosettings"), "POST", allowed_status=302, writes=True
    ),
    "receivables": Custom(all_of("studio.view_invoice")),
    # Starting Stripe's onboarding (its POST) takes change_studiosettings: tests/payments.
    "online_payments": Custom(all_of("studio.view_studiosettings")),
    # Checking or removing a domain takes the same permission (tests/tenancy/test_custom_domains).
    "custom_domains": Custom(all_of("studio.change_studiosettings")),
    # Every member of staff sees the subscription; only the owner acts (tests/billing).
    "subscription": Custom(EVERYONE),
    "studio_live_totals": Custom(DRAFTING, "POST", probe={"lines": []}),
    "calendar": Custom(all_of("studio.view_session")),
    "free_slots": Custom(all_of("studio.add_session")),
    "calendar_feed": Custom(all_of("studio.view_session"), query=FEED),
    # No room or times: a role that sees prices is told what to give (400), after the check.
    "session_price_quote": Custom(all_of("studio.view_money"), allowed_status=400),
    # A body without dates: an allowed role is told so (400), after its permission was checked.
    "calendar_move": Custom(
        all_of("studio.change_session"), "POST", ("session",), allowed_status=400, probe={}
    ),
    # Each member of staff's own second factor.
    "two_factor": Custom(EVERYONE, allowed_status=0),
    "two_factor_confirm": Custom(EVERYONE, allowed_status=0),
    "two_factor_backup_codes": Custom(EVERYONE, allowed_status=0),
    "two_factor_remove": Custom(EVERYONE, allowed_status=0),
    # The board asks to see projects (or stages) at its door and leaves what a role may change
    # to the services (a front desk's drag is refused by project_stage_set, nothing moved):
    # those refusals are in the service matrix below.
    "project_board": Custom(all_of("studio.view_project")),
    # An empty JSON body: an allowed role is told to name a stage (400), after the door.
    "project_board_move": Custom(
        all_of("studio.view_project"), "POST", ("project",), allowed_status=400, probe={}
    ),
    # No name: the stage service refuses it, and the board says so (back to the board).
    "project_board_stage_add": Custom(
        all_of("studio.view_projectstage"), "POST", allowed_status=302, probe={}
    ),
    "project_board_stage_save": Custom(
        all_of("studio.view_projectstage"), "POST", ("stage",), allowed_status=302, probe={}
    ),
    "project_board_stage_delete": Custom(
        all_of("studio.view_projectstage"),
        "POST",
        ("spare_stage",),
        allowed_status=302,
        writes=True,
    ),
    # No stages listed: told so (400), after the door.
    "project_board_stages_order": Custom(
        all_of("studio.view_projectstage"), "POST", allowed_status=400, probe={}
    ),
}


def also(need: tuple, *perms: str) -> tuple:
    """`need`, each alternative taking `perms` as well."""
    return tuple((*alternative, *perms) for alternative in need)


# The addresses an admin adds beside its standard pages and detail actions, described as the
# site's own pages are. A track's page asks to see the track at its door; each write then goes
# through its service, which refuses a role without the permission it takes (a back-office
# message and the page again, nothing written): the service matrix holds those refusals.
TRACKED = viewing("studio.track")
ADMIN_ROUTES = {
    # Whoever reads the trail may export it, on a plan that includes it (tests/studio).
    "studio_auditentry_export_csv": Custom(viewing("studio.auditentry"), allowed_status=0),
    # An empty form: the page shows what to fill in.
    "studio_track_credit_add": Custom(TRACKED, "POST", ("track",), allowed_status=302, probe={}),
    "studio_track_credit_delete": Custom(
        TRACKED, "POST", ("track", "credit"), allowed_status=302, writes=True
    ),
    # No rows: the master right's shares are cleared (by those who may change splits).
    "studio_track_splits": Custom(
        TRACKED, "POST", ("track", "master"), allowed_status=302, writes=True
    ),
    # The probe names no version: an allowed role gets a 404 after the door.
    "studio_track_comment": Custom(TRACKED, "POST", ("track",), allowed_status=404, probe={}),
    "studio_track_comment_resolve": Custom(
        TRACKED, "POST", ("track", "comment"), allowed_status=302, writes=True
    ),
    "studio_track_version_share": Custom(
        TRACKED, "POST", ("track", "version"), allowed_status=302, writes=True
    ),
    "studio_track_version_master": Custom(
        TRACKED, "POST", ("track", "version"), allowed_status=302, writes=True
    ),
    # Splits are royalties: a front desk sees the credits, not who earns what.
    "studio_track_split_sheet": Custom(also(TRACKED, "studio.view_split"), args=("track", "pdf")),
    "studio_track_project_split_sheet": Custom(
        all_of("studio.view_project", "studio.view_split"), args=("project", "csv")
    ),
}


def holds(need: tuple, perms: set[str]) -> bool:
    return any(set(alternative) <= perms for alternative in need)


# --- the pages, found from the site ---------------------------------------------------------


def _label(model) -> str:
    return model._meta.label_lower


def admin_url_names() -> dict[str, str]:
    """Every named URL of every ModelAdmin of the studio site: url name -> model label."""
    return {
        pattern.name: _label(model)
        for model, model_admin in studio_admin_site._registry.items()
        for pattern in model_admin.get_urls()
        if pattern.name
    }


def site_url_names() -> list[str]:
    """The URLs StudioAdminSite adds to Unfold's (and Django's) own."""
    inherited = {getattr(p, "name", None) for p in UnfoldAdminSite.get_urls(studio_admin_site)}
    names = [getattr(p, "name", None) for p in studio_admin_site.get_urls()]
    return [name for name in names if name and name not in inherited]


STANDARD = {
    # suffix: (method, need for a model, takes the object)
    "changelist": ("GET", viewing, False),
    "add": ("GET", lambda m: all_of(m.replace(".", ".add_")), False),
    "add:POST": ("POST", lambda m: all_of(m.replace(".", ".add_")), False),
    "change": ("GET", viewing, True),
    "change:POST": ("POST", lambda m: all_of(m.replace(".", ".change_")), True),
    "delete": ("GET", lambda m: all_of(m.replace(".", ".delete_")), True),
    "delete:POST": ("POST", lambda m: all_of(m.replace(".", ".delete_")), True),
    "history": ("GET", viewing, True),
}


@dataclass(frozen=True)
class Page:
    key: str
    method: str
    need: tuple | None
    target: str | None  # the world's object in the URL
    url_name: str
    custom: Custom | None = None


def pages() -> list[Page]:
    found = []
    for url_name, model in admin_url_names().items():
        base = model.replace(".", "_")
        suffix = url_name.removeprefix(f"{base}_")
        if suffix in {"changelist", "add", "change", "delete", "history"}:
            for key, (method, need, with_object) in STANDARD.items():
                if key.split(":")[0] != suffix:
                    continue
                page_key = url_name + key[len(suffix) :]
                found.append(
                    Page(
                        page_key,
                        method,
                        NOBODY if page_key in NEVER else need(model),
                        MODEL_OBJECTS.get(model) if with_object else None,
                        url_name,
                    )
                )
        elif url_name in ACTIONS:
            need, target = ACTIONS[url_name]
            found.append(Page(url_name, "GET", need, target, url_name))
            found.append(Page(f"{url_name}:POST", "POST", need, target, url_name))
        elif url_name in ADMIN_ROUTES:
            custom = ADMIN_ROUTES[url_name]
            found.append(Page(url_name, custom.method, custom.need, None, url_name, custom))
    for url_name in site_url_names():
        custom = CUSTOM.get(url_name)
        if custom is not None:
            target = "session" if "session" in custom.args else None
            found.append(Page(url_name, custom.method, custom.need, target, url_name, custom))
    return found


def test_every_admin_url_has_an_expected_permission():
    standard = ("changelist", "add", "change", "delete", "history")
    unknown = [
        name
        for name, model in admin_url_names().items()
        if name.removeprefix(model.replace(".", "_") + "_") not in standard
    ]
    assert [name for name in unknown if name not in ACTIONS | ADMIN_ROUTES] == []
    assert set(MODEL_OBJECTS) >= {_label(m) for m in studio_admin_site._registry}


def test_every_custom_url_has_an_expected_permission():
    assert [name for name in site_url_names() if name not in CUSTOM] == []


def test_every_changelist_action_has_an_expected_permission():
    missing = [
        f"{_label(model)}:{name}"
        for model, model_admin in studio_admin_site._registry.items()
        for _func, name, _desc in model_admin._get_base_actions()
        if name != "delete_selected" and f"{_label(model)}:{name}" not in BULK_ACTIONS
    ]
    assert missing == []


# --- what changed -------------------------------------------------------------------------

# Signed-in browsers keep their sessions there; it is not studio data.
UNWATCHED = {"django_session"}


def snapshot(schema: str) -> dict[str, str]:
    """Row count and a digest of the content of every table of the studio, and the size of the
    platform's trail: any insert, update or delete shows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY 1",
            [schema],
        )
        tables = [name for (name,) in cursor.fetchall() if name not in UNWATCHED]
        query = sql.SQL(" UNION ALL ").join(
            sql.SQL(
                "(SELECT {name}, count(*)::text || ':' || "
                "coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t)"
            ).format(name=sql.Literal(table), table=sql.Identifier(schema, table))
            for table in tables
        )
        cursor.execute(query)
        state = dict(cursor.fetchall())
    state["public.platform_audit"] = str(PlatformAuditEntry.objects.count())
    return state


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )


# --- the cast -------------------------------------------------------------------------------

ISSUED_ON = date(2026, 3, 2)


def world_build() -> dict:
    """One of everything the pages open, each in the state its actions need, written by the
    services as the studio itself (`by=None`)."""
    band = ClientFactory(name="The Night Owls", email="owls@example.com")
    room = RoomFactory(name="Live Room")
    template = ContractTemplate.objects.create(
        name="Recording", title="Recording — {{ project }}", body="For {{ client_name }}."
    )
    issued = invoice_issue(
        invoice=invoice_create(client=band, lines=lines((4, "312.50", 0, 20))), today=ISSUED_ON
    )
    paid = invoice_issue(
        invoice=invoice_create(client=band, lines=lines((1, 500, 0, 20))), today=ISSUED_ON
    )
    payment = payment_record(invoice=paid, amount="100", method="bank_transfer")
    note = credit_note_create(
        invoice=paid, reason="Goodwill", lines=[{"description": "x", "unit_price": "50"}]
    )
    invoice_send(invoice=paid)
    sent_quote = quote_create(client=band, title="Album", lines=lines((1, 900, 0, 20)))
    sent_quote = quote_send(quote=sent_quote, email=False)
    colleague = User.objects.create_user(
        username="temp@studio-a.example", email="temp@studio-a.example", is_staff=True
    )
    requested = session_create(
        client=band,
        room=room,
        start=paris(2030, 4, 3, 10),
        end=paris(2030, 4, 3, 12),
        status=Session.Status.REQUESTED,
    )
    checked_in = session_create(
        client=band, room=room, start=paris(2030, 4, 10, 10), end=paris(2030, 4, 10, 12)
    )
    checked_in = session_check_in(session=checked_in, at=checked_in.start)
    job = import_job_create(
        resource_key="clients", filename="clients.csv", data=b"Name,E-mail\nAda,ada@x.example\n"
    )
    objects = {
        "client": band,
        "room": room,
        "engineer": EngineerFactory(),
        "equipment": EquipmentFactory(),
        # A Wednesday, in opening hours, long after any date these tests run on.
        "session": session_create(
            client=band, room=room, start=paris(2030, 3, 6, 10), end=paris(2030, 3, 6, 13)
        ),
        "requested_session": requested,
        "checked_in_session": checked_in,
        "draft_invoice": invoice_create(client=band, lines=lines((1, 99, 0, 20))),
        "issued_invoice": issued,
        "payment": payment,
        "note": note,
        "quote": quote_create(client=band, title="EP", lines=lines((2, 400, 0, 20))),
        "sent_quote": sent_quote,
        "contract": contract_create(client=band, template=template, project="EP"),
        "template": template,
        "email_template": EmailTemplate.objects.get(kind="invoice"),
        "email": OutgoingEmail.objects.get(),
        "audit": AuditEntry.objects.order_by("pk").first(),
        "attempt": AccessAttempt.objects.create(
            username="someone@studio-a.example", ip_address="203.0.113.9", failures_since_start=1
        ),
        "settings": StudioSettings.objects.get(),
        "group": Group.objects.get(name="Engineer"),
        "colleague": colleague,
        "job": job,
    }
    # After the studio's one e-mail above is picked: a comment e-mails the client.
    return {**objects, **world_of_projects(band)}


def world_of_projects(band) -> dict:
    """A project with a track, its credits and splits, an expense, and a processed mix with a
    comment (the processing's results filled in: no audio is decoded here)."""
    project = projects.project_create(client=band, title="Matrix EP", kind="ep")
    track = projects.track_create(project=project, title="Night Drive", number=1)
    credit = projects.credit_add(track=track, person="Ada Lovelace", role="producer")
    projects.splits_set(
        track=track, right="master", shares=[{"person": "Ada Lovelace", "percent": "100"}]
    )
    projects.expense_add(project=project, description="Tape", amount=Decimal(40))
    version = audio_review.version_create(
        track=track,
        file_name="mix.wav",
        stored_name=f"audio/p{project.pk}/t{track.pk}/mix.wav",
        size_bytes=1000,
        audio_format="wav",
    )
    AudioVersion.objects.filter(pk=version.pk).update(
        status=AudioVersion.Status.READY,
        progress=100,
        duration_seconds=180.0,
        sample_rate=48000,
        bit_depth=24,
        channels=2,
        lufs=-14.0,
        peaks=fake_peaks(),
    )
    version.refresh_from_db()
    comment = audio_review.comment_add(version=version, body="Louder vocals", at_seconds=42)
    stages = list(ProjectStage.objects.order_by("position", "id"))
    return {
        "project": project,
        "stage": project.stage,
        # A column with no card, the one a stage deletion can take.
        "spare_stage": next(stage for stage in stages if stage != project.stage),
        "other_stage": stages[-1],
        "track": track,
        "credit": credit,
        "version": version,
        "comment": comment,
    }


@pytest.fixture
def world(studio_a, studio_b, settings, tmp_path):
    # Uploads spool and store under the test's own directory.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.AUDIO_SPOOL_DIR = str(tmp_path / "spool")
    forget_media_root()
    with schema_context(studio_a.schema_name):
        objects = world_build()
        users = {OWNER_ROLE: User.objects.get(email=STUDIO_A.owner_email)}
        for role in ROLES[1:]:
            users[role] = staff_user(f"{role.replace(' ', '-').lower()}@studio-a.example", role)
        browsers = {}
        for role, user in users.items():
            browsers[role] = HttpClient(HTTP_HOST=STUDIO_A.host)
            browsers[role].force_login(user)
    with schema_context(studio_b.schema_name):
        outsider = HttpClient(HTTP_HOST=STUDIO_B.host)
        outsider.force_login(User.objects.get(email=STUDIO_B.owner_email))
    # Studio B's owner presents their session cookie to studio A.
    browsers["outsider"] = HttpClient(HTTP_HOST=STUDIO_A.host)
    browsers["outsider"].cookies = outsider.cookies
    browsers["anonymous"] = HttpClient(HTTP_HOST=STUDIO_A.host)
    return browsers, objects, users, studio_a.schema_name


def path_of(page: Page, objects: dict) -> str:
    custom = page.custom
    if custom is None:
        args = [objects[page.target].pk] if page.target else []
        return reverse(f"admin:{page.url_name}", args=args)
    args = [objects[a].pk if isinstance(a, str) and a in objects else a for a in custom.args]
    return reverse(f"admin:{page.url_name}", args=args) + custom.query


def is_refusal(response, member: str) -> bool:
    if member in ("outsider", "anonymous"):
        return response.status_code == 302 and "/admin/login/" in response["Location"]
    return response.status_code == 403


def send(browser, method: str, path: str, body=None):
    if method == "GET":
        return browser.get(path)
    if body is not None:
        return browser.post(path, json.dumps(body), content_type="application/json")
    return browser.post(path, {"post": "yes"})


@pytest.mark.parametrize("member", CAST)
def test_each_page_and_action_is_open_to_the_roles_holding_its_permission(world, member):
    browsers, objects, _users, schema = world
    browser = browsers[member]
    perms = role_permissions(member) if member in ROLES else None
    wrong, later = [], []
    for page in pages():
        if page.need is None:
            continue  # open by design: not a permission-bearing page
        path = path_of(page, objects)
        allowed = perms is not None and holds(page.need, perms)
        custom = page.custom or Custom(
            page.need, page.method, allowed_status=302 if page.key in REDIRECTS else 200
        )
        if not allowed:
            before = snapshot(schema)
            response = send(browser, page.method, path)
            after = snapshot(schema)
            if not is_refusal(response, member):
                wrong.append(f"{page.key} {path}: {response.status_code}, expected a refusal")
            if changed(before, after):
                wrong.append(f"{page.key} {path}: refused, yet changed {changed(before, after)}")
        elif custom.writes:
            later.append((page, path, custom))
        elif page.method == "GET" or custom.probe:
            response = send(browser, page.method, path, custom.probe or None)
            expected = custom.allowed_status
            if (expected and response.status_code != expected) or is_refusal(response, member):
                wrong.append(f"{page.key} {path}: {response.status_code}, expected {expected}")
    for page, path, custom in later:
        response = send(browser, page.method, path)
        if response.status_code != custom.allowed_status:
            wrong.append(f"{page.key} {path}: {response.status_code}, expected it to work")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("member", CAST)
def test_each_changelist_action_runs_for_the_roles_holding_its_permission(world, member):
    browsers, objects, _users, schema = world
    browser = browsers[member]
    perms = role_permissions(member) if member in ROLES else set()
    wrong = []
    for model, model_admin in studio_admin_site._registry.items():
        label, target = _label(model), objects[MODEL_OBJECTS[_label(model)]]
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        listing = browser.get(changelist)
        for _func, name, _desc in model_admin._get_base_actions():
            if name == "delete_selected":
                delete = f"{model._meta.app_label}_{model._meta.model_name}_delete"
                need = NOBODY if delete in NEVER else all_of(label.replace(".", ".delete_"))
            else:
                need = BULK_ACTIONS[f"{label}:{name}"]
            offered = listing.status_code == 200 and f'value="{name}"' in listing.text
            if holds(need, perms) and member in ROLES:
                if not offered:
                    wrong.append(f"{label}:{name} is not offered to {member}")
                continue
            if offered:
                wrong.append(f"{label}:{name} is offered to {member}")
            before = snapshot(schema)
            browser.post(
                changelist, {"action": name, "_selected_action": [target.pk], "post": "yes"}
            )
            if changed(before, snapshot(schema)):
                wrong.append(f"{label}:{name} changed {changed(before, snapshot(schema))}")
    assert not wrong, "\n".join(wrong)


# --- the roles themselves -------------------------------------------------------------------


def test_each_role_holds_what_roles_py_gives_it(in_studio_a):
    for role in ROLES:
        group = Group.objects.get(name=role)
        held = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert held == role_permissions(role), role


def test_the_owner_holds_every_permission_of_the_studio_and_is_no_superuser(in_studio_a):
    owner = User.objects.get(email=STUDIO_A.owner_email)

    assert not owner.is_superuser
    assert owner.groups.filter(name=OWNER_ROLE).exists()
    assert "studio.view_money" in owner.get_all_permissions()
    assert "axes.delete_accessattempt" in owner.get_all_permissions()
    assert not User.objects.filter(is_superuser=True).exists()


# --- the services ---------------------------------------------------------------------------


class _Undo(Exception):
    """Rolls an allowed call back, so each case starts from the same world."""


def outcome(call, objects: dict, by):
    """None when the call went through (and was undone), else the StudioError it raised."""
    try:
        with transaction.atomic():
            call(objects, by)
            raise _Undo
    except _Undo:
        return None
    except StudioError as exc:
        return exc


LATER = paris(2030, 3, 13, 10), paris(2030, 3, 13, 12)
WAV = wav_bytes(1.0)
HALF = len(WAV) // 2


def upload_opened(objects: dict):
    """An upload of the world's track, opened by the studio itself."""
    return audio_uploads.upload_start(track=objects["track"], filename="stems.wav", size=len(WAV))


ROW = [{"description": "Mix", "unit_price": "100"}]

# Each writing service: what it takes, and a call on the world that works for a role holding it.
SERVICES = {
    "invoice_create": (
        ["studio.add_invoice"],
        lambda o, by: invoices.invoice_create(client=o["client"], lines=ROW, by=by),
    ),
    "invoice_lines_add": (
        ["studio.change_invoice"],
        lambda o, by: invoices.invoice_lines_add(invoice=o["draft_invoice"], lines=ROW, by=by),
    ),
    "invoice_draft_update": (
        ["studio.change_invoice"],
        lambda o, by: invoices.invoice_draft_update(invoice=o["draft_invoice"], notes="x", by=by),
    ),
    "invoice_sessions_add": (
        ["studio.change_invoice"],
        lambda o, by: invoices.invoice_sessions_add(invoice=o["draft_invoice"], sessions=[], by=by),
    ),
    "invoices_for_sessions": (
        ["studio.add_invoice"],
        lambda o, by: invoices.invoices_for_sessions(sessions=[], by=by),
    ),
    "invoice_issue": (
        ["studio.change_invoice"],
        lambda o, by: invoices.invoice_issue(invoice=o["draft_invoice"], by=by),
    ),
    "invoice_send": (
        ["studio.change_invoice"],
        lambda o, by: invoices.invoice_send(invoice=o["issued_invoice"], by=by),
    ),
    "invoice_void": (
        ["studio.change_invoice"],
        lambda o, by: invoices.invoice_void(invoice=o["issued_invoice"], reason="Typo", by=by),
    ),
    "invoice_delete": (
        ["studio.delete_invoice"],
        lambda o, by: invoices.invoice_delete(invoice=o["draft_invoice"], by=by),
    ),
    "credit_note_create": (
        ["studio.add_creditnote"],
        lambda o, by: credit_notes.credit_note_create(
            invoice=o["issued_invoice"], reason="Goodwill", lines=ROW, by=by
        ),
    ),
    "credit_note_send": (
        ["studio.change_creditnote"],
        lambda o, by: credit_notes.credit_note_send(note=o["note"], by=by),
    ),
    "payment_record": (
        ["studio.add_payment"],
        lambda o, by: payments.payment_record(
            invoice=o["issued_invoice"], amount="10", method="cash", by=by
        ),
    ),
    "payment_refund": (
        ["studio.add_payment"],
        lambda o, by: payments.payment_refund(payment=o["payment"], amount="10", by=by),
    ),
    "payment_receipt_send": (
        ["studio.add_payment"],
        lambda o, by: payments.payment_receipt_send(payment=o["payment"], by=by),
    ),
    "quote_create": (
        ["studio.add_quote"],
        lambda o, by: quotes.quote_create(client=o["client"], lines=ROW, by=by),
    ),
    "quote_draft_update": (
        ["studio.change_quote"],
        lambda o, by: quotes.quote_draft_update(quote=o["quote"], notes="x", by=by),
    ),
    "quote_send": (
        ["studio.change_quote"],
        lambda o, by: quotes.quote_send(quote=o["quote"], email=False, by=by),
    ),
    "quote_accept": (
        ["studio.change_quote"],
        lambda o, by: quotes.quote_accept(quote=o["sent_quote"], by=by),
    ),
    "quote_decline": (
        ["studio.change_quote"],
        lambda o, by: quotes.quote_decline(quote=o["sent_quote"], by=by),
    ),
    "quote_convert": (
        ["studio.change_quote", "studio.add_invoice"],
        lambda o, by: quotes.quote_convert(quote=o["sent_quote"], by=by),
    ),
    "quote_delete": (
        ["studio.delete_quote"],
        lambda o, by: quotes.quote_delete(quote=o["quote"], by=by),
    ),
    "contract_create": (
        ["studio.add_contract"],
        lambda o, by: contracts.contract_create(client=o["client"], template=o["template"], by=by),
    ),
    "contract_draft_update": (
        ["studio.change_contract"],
        lambda o, by: contracts.contract_draft_update(contract=o["contract"], project="LP", by=by),
    ),
    "contract_send": (
        ["studio.change_contract"],
        lambda o, by: contracts.contract_send(contract=o["contract"], by=by),
    ),
    "contract_mark_signed_on_paper": (
        ["studio.change_contract"],
        lambda o, by: contracts.contract_mark_signed_on_paper(
            contract=o["contract"], name="Ada Lovelace", by=by
        ),
    ),
    "contract_void": (
        ["studio.change_contract"],
        lambda o, by: contracts.contract_void(contract=o["contract"], by=by),
    ),
    "contract_delete": (
        ["studio.delete_contract"],
        lambda o, by: contracts.contract_delete(contract=o["contract"], by=by),
    ),
    "session_create": (
        ["studio.add_session"],
        lambda o, by: sessions.session_create(
            client=o["client"], room=o["room"], start=LATER[0], end=LATER[1], by=by
        ),
    ),
    "session_series_create": (
        ["studio.add_session"],
        lambda o, by: sessions.session_series_create(
            weeks=2, client=o["client"], room=o["room"], start=LATER[0], end=LATER[1], by=by
        ),
    ),
    "session_update": (
        ["studio.change_session"],
        lambda o, by: sessions.session_update(session=o["session"], notes="Bring the tapes", by=by),
    ),
    "session_move": (
        ["studio.change_session"],
        lambda o, by: sessions.session_move(
            session=o["session"], start=LATER[0], end=LATER[1], by=by
        ),
    ),
    "session_cancel": (
        ["studio.change_session"],
        lambda o, by: session_lifecycle.session_cancel(session=o["session"], by=by),
    ),
    "session_check_in": (
        ["studio.change_session"],
        lambda o, by: session_lifecycle.session_check_in(
            session=o["session"], at=o["session"].start, by=by
        ),
    ),
    "session_confirm": (
        ["studio.change_session"],
        lambda o, by: session_lifecycle.session_confirm(session=o["requested_session"], by=by),
    ),
    "session_decline": (
        ["studio.change_session"],
        lambda o, by: session_lifecycle.session_decline(session=o["requested_session"], by=by),
    ),
    "session_check_out": (
        ["studio.change_session"],
        lambda o, by: session_lifecycle.session_check_out(
            session=o["checked_in_session"], at=o["checked_in_session"].end, by=by
        ),
    ),
    "session_mark_no_show": (
        ["studio.change_session"],
        lambda o, by: session_lifecycle.session_mark_no_show(
            session=o["session"], at=o["session"].end, by=by
        ),
    ),
    "record_save": (
        ["studio.change_room"],
        lambda o, by: records.record_save(obj=o["room"], by=by),
    ),
    "studio_settings_update": (
        ["studio.change_studiosettings"],
        lambda o, by: studio_settings.studio_settings_update(legal_name="Studio A SARL", by=by),
    ),
    "onboarding_advance": (
        ["studio.change_studiosettings"],
        lambda o, by: studio_settings.onboarding_advance(step=1, by=by),
    ),
    "onboarding_dismiss": (
        ["studio.change_studiosettings"],
        lambda o, by: studio_settings.onboarding_dismiss(by=by),
    ),
    "room_create": (
        ["studio.add_room"],
        lambda o, by: rooms.room_create(name="Booth", hourly_rate=Decimal(30), by=by),
    ),
    "room_update": (
        ["studio.change_room"],
        lambda o, by: rooms.room_update(room=o["room"], name="Big Room", by=by),
    ),
    "room_delete": (
        ["studio.delete_room"],
        lambda o, by: rooms.room_delete(room=RoomFactory(), by=by),
    ),
    "equipment_create": (
        ["studio.add_equipment"],
        lambda o, by: equipment.equipment_create(
            category="microphone", make="Shure", model="SM7B", by=by
        ),
    ),
    "equipment_update": (
        ["studio.change_equipment"],
        lambda o, by: equipment.equipment_update(equipment=o["equipment"], model="U 47", by=by),
    ),
    "equipment_status_set": (
        ["studio.change_equipment"],
        lambda o, by: equipment.equipment_status_set(
            equipment=o["equipment"], status="in_repair", by=by
        ),
    ),
    "maintenance_record": (
        ["studio.add_maintenanceentry"],
        lambda o, by: equipment.maintenance_record(
            equipment=o["equipment"], date=ISSUED_ON, description="New tube", by=by
        ),
    ),
    "record_create": (
        ["studio.add_client"],
        lambda o, by: records.record_create(model=type(o["client"]), name="The Larks", by=by),
    ),
    "record_update": (
        ["studio.change_client"],
        lambda o, by: records.record_update(obj=o["client"], name="The Owls", by=by),
    ),
    "client_anonymise": (
        ["studio.delete_client"],
        lambda o, by: erasure.client_anonymise(client=o["client"], by=by),
    ),
    "record_delete": (
        ["studio.delete_engineer"],
        lambda o, by: records.record_delete(obj=o["engineer"], by=by),
    ),
    "staff_create": (
        ["auth.add_user"],
        lambda o, by: staff.staff_create(
            username="new@studio-a.example", email="new@studio-a.example", by=by
        ),
    ),
    "staff_update": (
        ["auth.change_user"],
        lambda o, by: staff.staff_update(user=o["colleague"], first_name="Tess", by=by),
    ),
    "staff_invite": (
        ["auth.add_user"],
        lambda o, by: staff_links.staff_invite(email="new@studio-a.example", by=by),
    ),
    "staff_reset_link_send": (
        ["auth.change_user"],
        lambda o, by: staff_links.staff_reset_link_send(user=o["colleague"], by=by),
    ),
    "import_job_create": (
        list(import_permissions("clients")),
        lambda o, by: imports.import_job_create(
            resource_key="clients", filename="c.csv", data=b"Name\nAda\n", by=by
        ),
    ),
    "import_file": (
        list(import_permissions("rooms")),
        lambda o, by: imports.import_file(
            resource_key="rooms", data=b"Name,Hourly rate\nBooth,30\n", filename="r.csv", by=by
        ),
    ),
    # --- projects, tracks and their audio ---
    "stage_save": (
        ["studio.add_projectstage"],
        lambda o, by: projects.stage_save(name="Vocals", colour="sky", by=by),
    ),
    "stage_save:rename": (
        ["studio.change_projectstage"],
        lambda o, by: projects.stage_save(stage=o["stage"], name="Tracking", by=by),
    ),
    "stages_reorder": (
        ["studio.change_projectstage"],
        lambda o, by: projects.stages_reorder(
            stage_ids=list(ProjectStage.objects.order_by("-position").values_list("pk", flat=True)),
            by=by,
        ),
    ),
    "stage_delete": (
        ["studio.delete_projectstage"],
        lambda o, by: projects.stage_delete(stage=o["spare_stage"], by=by),
    ),
    "project_create": (
        ["studio.add_project"],
        lambda o, by: projects.project_create(client=o["client"], title="LP", by=by),
    ),
    "project_update": (
        ["studio.change_project"],
        lambda o, by: projects.project_update(project=o["project"], notes="Analogue", by=by),
    ),
    "project_stage_set": (
        ["studio.change_project"],
        lambda o, by: projects.project_stage_set(
            project=o["project"], stage=o["other_stage"], by=by
        ),
    ),
    "session_project_set": (
        ["studio.change_session"],
        lambda o, by: projects.session_project_set(
            session=o["session"], project=o["project"], by=by
        ),
    ),
    "expense_add": (
        ["studio.add_projectexpense"],
        lambda o, by: projects.expense_add(
            project=o["project"], description="Strings", amount=Decimal(120), by=by
        ),
    ),
    "track_create": (
        ["studio.add_track"],
        lambda o, by: projects.track_create(project=o["project"], title="Outro", by=by),
    ),
    "track_update": (
        ["studio.change_track"],
        lambda o, by: projects.track_update(track=o["track"], bpm=96, by=by),
    ),
    "credit_add": (
        ["studio.add_credit"],
        lambda o, by: projects.credit_add(
            track=o["track"], person="Grace Hopper", role="musician", instrument="Bass", by=by
        ),
    ),
    "credit_delete": (
        ["studio.delete_credit"],
        lambda o, by: projects.credit_delete(credit=o["credit"], by=by),
    ),
    "splits_set": (
        ["studio.change_split"],
        lambda o, by: projects.splits_set(
            track=o["track"],
            right="publishing",
            shares=[{"person": "Ada", "percent": "60"}, {"person": "Grace", "percent": "40"}],
            by=by,
        ),
    ),
    "version_create": (
        ["studio.add_audioversion"],
        lambda o, by: audio_review.version_create(
            track=o["track"],
            file_name="mix2.wav",
            stored_name="audio/mix2.wav",
            size_bytes=1000,
            audio_format="wav",
            by=by,
        ),
    ),
    "version_share": (
        ["studio.change_audioversion"],
        lambda o, by: audio_review.version_share(version=o["version"], by=by),
    ),
    "version_master_set": (
        ["studio.change_audioversion"],
        lambda o, by: audio_review.version_master_set(version=o["version"], by=by),
    ),
    "comment_add": (
        ["studio.add_reviewcomment", "studio.listen_audio"],
        lambda o, by: audio_review.comment_add(
            version=o["version"], body="Bass up", at_seconds=90, by=by
        ),
    ),
    "comment_resolve": (
        ["studio.change_reviewcomment"],
        lambda o, by: audio_review.comment_resolve(comment=o["comment"], by=by),
    ),
    # Letting masters go before payment is a money decision too.
    "masters_release_manual": (
        ["studio.change_project", "studio.view_money"],
        lambda o, by: audio_review.masters_release_manual(project=o["project"], by=by),
    ),
    "upload_start": (
        ["studio.add_audioversion"],
        lambda o, by: audio_uploads.upload_start(
            track=o["track"], filename="stems.wav", size=len(WAV), by=by
        ),
    ),
    # The first chunk of an upload the studio opened (the rest never comes).
    "upload_chunk": (
        ["studio.add_audioversion"],
        lambda o, by: audio_uploads.upload_chunk(
            upload=upload_opened(o), offset=0, stream=io.BytesIO(WAV[:HALF]), length=HALF, by=by
        ),
    ),
    "upload_discard": (
        ["studio.add_audioversion"],
        lambda o, by: audio_uploads.upload_discard(upload=upload_opened(o), by=by),
    ),
    "retention_extend": (
        ["studio.change_project"],
        lambda o, by: retention.retention_extend(
            project=o["project"], until=date(2040, 1, 1), by=by
        ),
    ),
    "version_files_delete": (
        ["studio.delete_audioversion"],
        lambda o, by: retention.version_files_delete(
            version=o["version"], reason=AudioDeletion.Reason.STAFF, by=by
        ),
    ),
}


def test_the_service_matrix_covers_every_service_that_checks_a_permission():
    """Each `permission_check(by, ...)` in the services belongs to a service of this matrix."""
    checked = set()
    for path in (Path(studio.__file__).parent / "services").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                calls = [
                    c
                    for c in ast.walk(node)
                    if isinstance(c, ast.Call) and getattr(c.func, "id", "") == "permission_check"
                ]
                if calls:
                    checked.add(node.name)
    others = {
        "lockout_release",
        "two_factor_reset",
        "two_factor_required_set",
        "import_job_confirm",
    }
    assert sorted(checked - set(SERVICES) - others) == []


@pytest.mark.parametrize("role", ROLES)
def test_each_service_refuses_the_roles_without_its_permission(world, role):
    _browsers, objects, users, schema = world
    by = users[role]
    held = role_permissions(role)
    wrong = []
    with schema_context(schema):
        for name, (needs, call) in SERVICES.items():
            before = snapshot(schema)
            result = outcome(call, objects, by)
            if set(needs) <= held:
                if result is not None:
                    wrong.append(f"{name}: refused to {role}: {result.message}")
            elif not isinstance(result, PermissionRefused):
                wrong.append(f"{name}: {role} was not refused ({result!r})")
            elif changed(before, snapshot(schema)):
                wrong.append(f"{name}: refused, yet changed {changed(before, snapshot(schema))}")
    assert not wrong, "\n".join(wrong)


def test_the_studio_itself_passes_every_check(world):
    _browsers, objects, _users, schema = world
    with schema_context(schema):
        refused = [name for name, (_n, call) in SERVICES.items() if outcome(call, objects, None)]
    assert refused == []


def test_a_refusal_names_the_permission_it_takes(in_studio_a):
    engineer = staff_user("eng@studio-a.example", "Engineer")

    with pytest.raises(PermissionRefused) as refusal:
        invoices.invoice_create(client=ClientFactory(), lines=ROW, by=engineer)

    assert refusal.value.message == (
        "Your role does not allow this: it takes the permission “Can add invoice”."
    )


def test_the_migration_makes_flagged_owners_owners_by_role(in_studio_a):
    """Studios made before owners were owners by role: the flag becomes the Owner role."""
    from django.apps import apps

    migration = importlib.import_module("studio.migrations.0010_owners_by_role")
    old_owner = User.objects.create_user(
        username="first@studio-a.example", is_staff=True, is_superuser=True
    )
    engineer = staff_user("eng@studio-a.example", "Engineer")

    migration.owners_by_role(apps, None)

    old_owner.refresh_from_db()
    assert not old_owner.is_superuser
    assert list(old_owner.groups.values_list("name", flat=True)) == [OWNER_ROLE]
    assert "studio.view_money" in User.objects.get(pk=old_owner.pk).get_all_permissions()
    assert list(engineer.groups.values_list("name", flat=True)) == ["Engineer"]
    assert not User.objects.filter(is_superuser=True).exists()


def test_no_service_makes_a_superuser_in_a_studio(in_studio_a):
    owner = User.objects.get(email=STUDIO_A.owner_email)
    colleague = staff_user("desk@studio-a.example", "Front desk")

    for by in (None, owner):
        with pytest.raises(StudioError, match="owners by their role"):
            staff.staff_create(username="root@studio-a.example", is_superuser=True, by=by)
        with pytest.raises(StudioError, match="owners by their role"):
            staff.staff_update(user=colleague, is_superuser=True, by=by)
    colleague.refresh_from_db()
    assert not colleague.is_superuser
    assert not User.objects.filter(username="root@studio-a.example").exists()


def test_a_role_is_made_of_the_studios_permissions_only(world):
    browsers, objects, _users, schema = world
    with schema_context(schema):
        platform = Permission.objects.get(
            content_type__app_label="tenancy", codename="change_studio"
        )
    path = f"/admin/auth/group/{objects['group'].pk}/change/"

    page = browsers[OWNER_ROLE].get(path)
    before = snapshot(schema)
    response = browsers[OWNER_ROLE].post(
        path, {"name": "Engineer", "permissions": [str(platform.pk)]}
    )

    assert page.status_code == 200 and f'value="{platform.pk}"' not in page.text
    assert response.status_code == 200  # the form again, with the refused choice marked
    assert changed(before, snapshot(schema)) == []
