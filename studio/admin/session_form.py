"""The booking form: a session for an existing client or for one typed in on the spot.

A new studio has no clients yet, so its first booking names the client here; the client is
created by the same record service the client page uses, in the booking's transaction, so a
refused booking leaves no client behind.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminEmailInputWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelect2MultipleWidget,
    UnfoldAdminTextInputWidget,
)

from studio.admin.base import ServiceForm
from studio.models import Client, Engineer, Equipment, Project, Session
from studio.money import money_format
from studio.selectors.projects import project_budget
from studio.services import records
from studio.services import sessions as booking
from studio.services.errors import StudioError
from studio.services.projects import session_project_set

NEW_CLIENT_FIELDS = {
    "new_client_name": "name",
    "new_client_email": "email",
    "new_client_phone": "phone",
}

CLIENT_MISSING = "Choose a client, or type a new client's name under “New client”."
CLIENT_TWICE = "Choose an existing client or type a new one, not both."
NEW_CLIENT_UNNAMED = "A new client needs a name."
EMAIL_TAKEN = "{client} already has this e-mail address: choose them as the client instead."
NOT_THEIR_PROJECT = "“{project}” is {owner}'s project: choose one of {client}'s projects."


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Project) -> str:
        return f"{obj.title} — {obj.client}"


def can_add_client(user) -> bool:
    # None is the studio itself (a test or a script building the form), as in the services.
    return user is None or user.has_perm("studio.add_client")


def can_see_price(user) -> bool:
    return user is None or user.has_perm("studio.view_money")


class PriceQuoteWidget(forms.Widget):
    """A read-only line that the booking-price script fills in as the room and times change;
    it submits nothing (the service prices the session when it is saved)."""

    def __init__(self, *, url: str):
        super().__init__()
        self.url = url

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '<output id="{}" class="block py-2 font-semibold tabular-nums" data-price-quote'
            ' data-url="{}" aria-live="polite">{}</output>',
            (attrs or {}).get("id", f"id_{name}"),
            self.url,
            _("Choose a room, a start and an end."),
        )

    def value_from_datadict(self, data, files, name):
        return None


class SessionForm(ServiceForm):
    engineers = forms.ModelMultipleChoiceField(
        queryset=Engineer.objects.filter(is_active=True),
        required=False,
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
    )
    equipment = forms.ModelMultipleChoiceField(
        queryset=Equipment.objects.exclude(status__in=Equipment.OUT_OF_SERVICE).select_related(),
        required=False,
        widget=UnfoldAdminSelect2MultipleWidget,
        label=_("Reserved gear"),
    )
    weeks = forms.IntegerField(
        label=_("Repeat weekly"),
        min_value=1,
        max_value=52,
        initial=1,
        required=False,
        widget=UnfoldAdminIntegerFieldWidget,
        help_text=_("Number of weeks to book the same slot (1 = just this session)."),
    )
    new_client_name = forms.CharField(
        label=_("Name"),
        max_length=Client._meta.get_field("name").max_length,
        required=False,
        widget=UnfoldAdminTextInputWidget,
    )
    new_client_email = forms.EmailField(
        label=_("E-mail"), required=False, widget=UnfoldAdminEmailInputWidget
    )
    new_client_phone = forms.CharField(
        label=_("Phone"),
        max_length=Client._meta.get_field("phone").max_length,
        required=False,
        widget=UnfoldAdminTextInputWidget,
    )

    project = ProjectChoiceField(
        queryset=Project.objects.select_related("client").order_by("client__name", "title"),
        required=False,
        label=_("Project"),
        help_text=_("One of the client's projects: its sessions count against its budget."),
    )

    price_quote = forms.CharField(
        label=_("Price"),
        required=False,
        disabled=True,
        widget=PriceQuoteWidget(url=reverse_lazy("admin:session_price_quote")),
        help_text=_("From the room's rates for these times; fixed when the booking is saved."),
    )

    class Meta:
        model = Session
        fields = ["client", "room", "start", "end", "status", "notes", "recall_notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if self.instance.pk:
            for name in ("weeks", "status", "price_quote", *NEW_CLIENT_FIELDS):
                self.fields.pop(name, None)
            if "project" in self.fields:
                # Only the session's client's projects are offered (the service checks it too).
                self.fields["project"].queryset = self.fields["project"].queryset.filter(
                    client_id=self.instance.client_id
                )
                self.initial["project"] = self.instance.project_id
            self.initial["engineers"] = list(self.instance.engineers.all())
            self.initial["equipment"] = list(self.instance.equipment.all())
            return
        if "status" in self.fields:
            self.fields["status"].choices = [
                (Session.Status.CONFIRMED, _("Confirmed")),
                (Session.Status.REQUESTED, _("Requested (to be confirmed)")),
            ]
        if not can_see_price(user):
            self.fields.pop("price_quote")
        if not can_add_client(user):
            for name in NEW_CLIENT_FIELDS:
                self.fields.pop(name)
        elif "client" in self.fields:
            self.fields["client"].required = False
            self.fields["client"].help_text = _(
                "Search by name; a client who is not in the list yet goes under “New client”."
            )

    def clean(self):
        data = super().clean()
        if self.instance.pk or "new_client_name" not in self.fields or "client" in self.errors:
            self._project_check(data)
            return data
        typed = any(data.get(name) for name in NEW_CLIENT_FIELDS)
        if data.get("client") and typed:
            self.add_error("client", CLIENT_TWICE)
        elif not data.get("client") and not typed:
            self.add_error("client", CLIENT_MISSING)
        elif typed and not data.get("new_client_name"):
            self.add_error("new_client_name", NEW_CLIENT_UNNAMED)
        elif typed and data.get("new_client_email"):
            # The e-mail is unique among clients: point at the client who has it, rather than
            # the bare constraint the record service would report.
            holder = Client.objects.filter(email__iexact=data["new_client_email"]).first()
            if holder is not None:
                self.add_error("new_client_email", EMAIL_TAKEN.format(client=holder))
        self._project_check(data)
        return data

    def _project_check(self, data: dict) -> None:
        project, client = data.get("project"), data.get("client") or self.instance_client()
        if project is not None and client is not None and project.client_id != client.pk:
            self.add_error(
                "project",
                NOT_THEIR_PROJECT.format(project=project, owner=project.client, client=client),
            )
        elif project is not None and client is None and "project" not in self.errors:
            self.add_error("project", _("A new client has no projects yet: leave it empty."))

    def instance_client(self) -> Client | None:
        return self.instance.client if self.instance.pk else None

    def _new_client(self, data: dict, by) -> Client:
        try:
            return records.record_create(
                model=Client,
                by=by,
                **{field: data.get(name) or "" for name, field in NEW_CLIENT_FIELDS.items()},
            )
        except StudioError as exc:
            # The refusal lands on this form's own field (new_client_email for the e-mail).
            exc.field = {field: name for name, field in NEW_CLIENT_FIELDS.items()}.get(exc.field)
            raise

    @transaction.atomic
    def run_service(self, data: dict) -> Session:
        by = self.request.user if self.request else None
        client = data.get("client")
        if client is None and not self.instance.pk:
            client = self._new_client(data, by)
        details = {
            "client": client,
            "room": data["room"],
            "engineers": data.get("engineers") or [],
            "equipment": data.get("equipment") or [],
            "notes": data.get("notes", ""),
            "recall_notes": data.get("recall_notes", ""),
        }
        if self.instance.pk:
            session = booking.session_update(
                session=self.instance, start=data["start"], end=data["end"], by=by, **details
            )
            return self._linked([session], data, by)
        status = data.get("status") or Session.Status.CONFIRMED
        weeks = data.get("weeks") or 1
        if weeks > 1:
            return self._linked(
                booking.session_series_create(
                    weeks=weeks,
                    start=data["start"],
                    end=data["end"],
                    status=status,
                    by=by,
                    **details,
                ),
                data,
                by,
            )
        session = booking.session_create(
            start=data["start"], end=data["end"], status=status, by=by, **details
        )
        return self._linked([session], data, by)

    def _linked(self, sessions: list[Session], data: dict, by) -> Session:
        """Link the booked session(s) to the chosen project, when the form has the field."""
        if "project" in self.fields:
            project = data.get("project")
            for session in sessions:
                if session.project_id != (project.pk if project else None):
                    session_project_set(session=session, project=project, by=by)
            if project is not None:
                self._budget_warn(project)
        return sessions[0]

    def _budget_warn(self, project: Project) -> None:
        """Tell whoever sees the money when this booking brings the project to 90 % of its
        budget or past it (the board and the project page say so too)."""
        request = self.request
        if request is None or not request.user.has_perm("studio.view_money"):
            return
        budget = project_budget(project)
        if budget.state not in ("warning", "over"):
            return
        spent = money_format(budget.spent, project.currency)
        limit = money_format(budget.budget, project.currency)
        if budget.state == "over":
            text = _("%(project)s is over its budget: %(spent)s spent of %(budget)s.")
        else:
            text = _("%(project)s has spent %(spent)s of its %(budget)s budget.")
        messages.warning(request, text % {"project": project, "spent": spent, "budget": limit})
