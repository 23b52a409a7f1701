"""Sessions in the back office: list, form and the row actions of a session's life."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RangeDateTimeFilter, RelatedDropdownFilter
from unfold.decorators import action, display

from siteconf.redirects import safe_next
from studio.admin import actions as ui
from studio.admin.base import LargeTablePaginator, ServiceModelAdmin
from studio.admin.money import MoneyVisibilityMixin
from studio.admin.session_form import SessionForm, can_add_client
from studio.admin.session_money import SessionMoneyActionsMixin
from studio.admin.site import studio_admin_site
from studio.admin.transfer import TransferMixin
from studio.models import Project, Room, Session, Track
from studio.models.sessions import MAX_SESSION
from studio.money import money_format
from studio.resources import SessionResource
from studio.services import session_lifecycle
from studio.services.errors import StudioError
from studio.services.projects import project_create
from studio.widgets import SELECT, TEXT

STATUS_COLOURS = {
    "held": "warning",
    "requested": "warning",
    "confirmed": "info",
    "checked_in": "primary",
    "completed": "success",
    "cancelled": "danger",
    "no_show": "danger",
}


class WhenFilter(admin.SimpleListFilter):
    """Opens on what is coming up (soonest first); past sessions are one click away."""

    title = _("when")
    parameter_name = "when"
    DEFAULT = "upcoming"

    def lookups(self, request, model_admin):
        return [("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All"))]

    def value(self):
        return super().value() or self.DEFAULT

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        now = timezone.now()
        # Bounding `start` too lets PostgreSQL walk the start index from now instead of
        # filtering years of history (a session lasts at most MAX_SESSION).
        if self.value() == "upcoming":
            return queryset.filter(start__gt=now - MAX_SESSION, end__gte=now)
        if self.value() == "past":
            return queryset.filter(start__lt=now, end__lt=now)
        return queryset


# Row actions: (service, verb shown to the user, statuses it applies to).
LIFECYCLE: dict[str, tuple[Callable, str]] = {
    "confirm": (session_lifecycle.session_confirm, _("Confirm")),
    "decline": (session_lifecycle.session_decline, _("Decline request")),
    "check_in": (session_lifecycle.session_check_in, _("Check in")),
    "check_out": (session_lifecycle.session_check_out, _("Check out")),
    "cancel": (session_lifecycle.session_cancel, _("Cancel session")),
    "no_show": (session_lifecycle.session_mark_no_show, _("Mark as no-show")),
}


ON_THE_DAY = [
    "status",
    "price",
    "deposit_due",
    "deposit_state",
    "refund_percent",
    "checked_in_at",
    "checked_out_at",
    "overtime_minutes",
    "gear_alert",
]


@admin.register(Session, site=studio_admin_site)
class SessionAdmin(
    SessionMoneyActionsMixin, TransferMixin, MoneyVisibilityMixin, ServiceModelAdmin
):
    resource_classes = [SessionResource]
    form = SessionForm
    list_display = [
        "when",
        "room",
        "client",
        "crew",
        "status_badge",
        "price",
        "gear_warning",
    ]
    list_filter = [
        WhenFilter,
        ("start", RangeDateTimeFilter),
        "status",
        ("room", RelatedDropdownFilter),
        ("engineers", RelatedDropdownFilter),
    ]
    list_filter_submit = True
    search_fields = ["client__name", "client__artist_name", "notes", "pk"]
    autocomplete_fields = ["client"]
    list_per_page = 25
    show_full_result_count = False
    paginator = LargeTablePaginator
    date_hierarchy = None
    money_fields = ("price", "deposit_due", "deposit_state", "refund_percent", "price_quote")
    # Set by the life-cycle steps and the pricing, never typed (the form shows them read-only).
    readonly_fields = ON_THE_DAY
    # A row offers only the steps its session can take (the next_steps column); Unfold's row
    # menu would offer every step on every row.
    actions_detail = [
        "confirm_row",
        "decline_row",
        "check_in_row",
        "check_out_row",
        "cancel_row",
        "no_show_row",
        "take_deposit",
        "project_from_session",
    ]
    actions = ["bill_selected"]
    # A session of a project opens with its tracks' recall notes (mics, outboard, console).
    change_form_before_template = "studio/admin/session_recall.html"

    class Media:
        js = ["studio/booking-form.js"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("client", "room")
            .prefetch_related("engineers")
        )

    # A booking form is not the place to edit or delete a client or a room: the related-object
    # menu (an unlabeled ⋮ offering "Delete selected client") goes; a new client is typed in
    # the form's own "New client" fields.
    UNWRAPPED = ("client", "room")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if db_field.name in self.UNWRAPPED and isinstance(widget, RelatedFieldWidgetWrapper):
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield

    def get_changeform_initial_data(self, request):
        """A slot drawn on the calendar arrives as ?start=…&end=… (the studio's wall clock)."""
        initial = super().get_changeform_initial_data(request)
        tz = timezone.get_current_timezone()
        for name in ("start", "end"):
            try:
                moment = datetime.fromisoformat(request.GET.get(name, ""))
            except ValueError:
                initial.pop(name, None)
                continue
            initial[name] = moment.replace(tzinfo=tz) if timezone.is_naive(moment) else moment
        if "room" not in initial:
            # A studio with one room in use books it every time: no choice to make.
            rooms = list(Room.objects.filter(is_active=True).values_list("pk", flat=True)[:2])
            if len(rooms) == 1:
                initial["room"] = rooms[0]
        return initial

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # A new session's status is chosen in the form; afterwards only the actions change it.
        return fields if obj else [f for f in fields if f != "status"]

    def get_ordering(self, request):
        upcoming = request.GET.get(WhenFilter.parameter_name, WhenFilter.DEFAULT) == "upcoming"
        return ["start"] if upcoming else ["-start"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self._money_filtered(request, self._add_fieldsets(request))
        fieldsets = [
            (
                None,
                {"fields": ["client", "project", "room", "start", "end", "engineers", "equipment"]},
            ),
            (_("Notes"), {"fields": ["notes", "recall_notes"]}),
            (
                _("On the day and billing"),
                {"fields": ON_THE_DAY},
            ),
        ]
        return self._money_filtered(request, fieldsets)

    def _add_fieldsets(self, request) -> list:
        fieldsets = [(None, {"fields": ["client"]})]
        if can_add_client(request.user):
            fieldsets.append(
                (
                    _("New client"),
                    {
                        "fields": [("new_client_name", "new_client_email", "new_client_phone")],
                        "description": _(
                            "Not in the list yet? Leave the client above empty and type their "
                            "details here: they are added as a client with this booking."
                        ),
                    },
                )
            )
        when = ["room", "start", "end", "price_quote", "engineers", "equipment"]
        find = format_html(
            '<a id="find-free-slot" class="text-primary-600 underline" href="{}">{}</a>',
            reverse("admin:free_slots"),
            _("Not sure when it is free? Find a free slot."),
        )
        return [
            *fieldsets,
            (
                _("Booking"),
                {"fields": [*when, "project", "status", "weeks"], "description": find},
            ),
            (_("Notes"), {"fields": ["notes", "recall_notes"]}),
        ]

    def response_add(self, request, obj, post_url_continue=None):
        """Back to where the booking was started (the calendar's week, a client's page) when
        it came with a `next`; Django's own answers for "Save and add another" and the rest."""
        target = safe_next(request, default="")
        if not target or any(key in request.POST for key in ("_continue", "_addanother", "_popup")):
            return super().response_add(request, obj, post_url_continue)
        session = Session.objects.select_related("client", "room").get(pk=obj.pk)
        target = self._on_its_day(target, session)
        self.message_user(
            request,
            _("Booked: %(client)s in %(room)s, %(when)s.")
            % {"client": session.client, "room": session.room, "when": self.when(session)},
            messages.SUCCESS,
        )
        return redirect(target)

    @staticmethod
    def _on_its_day(target: str, session: Session) -> str:
        """The calendar opens on the booked day's week (its `date`), where the new session is,
        unless the address already names a day."""
        parts = urlsplit(target)
        query = QueryDict(parts.query, mutable=True)
        if parts.path != reverse("admin:calendar") or "date" in query:
            return target
        query["date"] = timezone.localtime(session.start).date().isoformat()
        return urlunsplit(parts._replace(query=query.urlencode(safe="/")))

    def _money_filtered(self, request, fieldsets):
        if self.can_see_money(request):
            return fieldsets
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in self.money_fields]})
            for name, opts in fieldsets
        ]

    @display(description=_("When"), ordering="start")
    def when(self, obj: Session) -> str:
        start, end = timezone.localtime(obj.start), timezone.localtime(obj.end)
        if start.date() == end.date():
            return f"{start:%a %d %b %Y, %H:%M}–{end:%H:%M}"
        return f"{start:%a %d %b %H:%M} – {end:%a %d %b %H:%M}"

    @display(description=_("Deposit paid"))
    def deposit_state(self, obj: Session) -> str:
        """What came in for the session and what went back, card payments named by their card
        (a booking from the portal shows its online deposit and any refund here)."""
        lines = []
        for payment in obj.payments.order_by("received_at", "pk"):
            verb = _("Refunded") if payment.is_refund else _("Paid")
            how = payment.reference or payment.get_method_display()
            lines.append(f"{verb} {money_format(abs(payment.amount), payment.currency)} · {how}")
        pending = obj.card_payments.exclude(status__in=["succeeded", "canceled"]).first()
        if pending:
            lines.append(_("Card payment: %(status)s") % {"status": pending.get_status_display()})
        if obj.status == Session.Status.HELD and obj.hold_expires_at:
            until = timezone.localtime(obj.hold_expires_at)
            lines.append(_("Slot held for the client until %(t)s") % {"t": f"{until:%H:%M}"})
        return " — ".join(lines) or _("Nothing yet")

    @display(description=_("Engineers"))
    def crew(self, obj: Session) -> str:
        return ", ".join(e.name for e in obj.engineers.all()) or "—"

    @display(description=_("Status"), label=STATUS_COLOURS)
    def status_badge(self, obj: Session):
        return obj.status, obj.get_status_display()

    @display(description=_("Gear"))
    def gear_warning(self, obj: Session) -> str:
        return f"⚠ {obj.gear_alert}" if obj.gear_alert else ""

    # --- the project of a session ----------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        session = Session.objects.filter(pk=object_id).only("project").first()
        if session is not None and session.project_id:
            extra_context = {
                **(extra_context or {}),
                "recall_project": Project.objects.get(pk=session.project_id),
                "recall_tracks": list(
                    Track.objects.filter(project_id=session.project_id)
                    .exclude(recall_notes="")
                    .order_by("number")
                ),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_project_from_session_permission(self, request, object_id=None):
        return request.user.has_perm("studio.add_project") and self.has_change_permission(request)

    @action(
        description=_("Create a project from this session"),
        url_path="new-project",
        permissions=["project_from_session"],
    )
    def project_from_session(self, request, object_id):
        """A project for the session's client, starting on its day, with the session in it."""
        session = get_object_or_404(Session.objects.select_related("client"), pk=object_id)

        class ProjectForm(forms.Form):
            title = forms.CharField(label=_("Title"), max_length=200, widget=TEXT)
            kind = forms.ChoiceField(label=_("Type"), choices=Project.Kind.choices, widget=SELECT)

        return ui.action_page(
            self,
            request,
            session,
            verb=_("Create a project from this session"),
            permission="project_from_session",
            form_class=ProjectForm,
            initial={"title": session.client.artist_name or session.client.name},
            summary=[
                _(
                    "A project for %(client)s, starting on the session's day; this session is "
                    "linked to it and counts against its budget."
                )
                % {"client": session.client}
            ],
            run=lambda data: project_create(
                client=session.client,
                title=data["title"],
                kind=data["kind"],
                from_session=session,
                by=request.user,
            ),
            done=ui.change_url,
        )

    # --- lifecycle actions -------------------------------------------------------------------

    def _lifecycle(self, request, object_id: str, name: str):
        if not self.has_change_permission(request):
            raise PermissionDenied
        session = get_object_or_404(Session.objects.select_related("client", "room"), pk=object_id)
        service, verb = LIFECYCLE[name]
        back = safe_next(request, default=reverse("admin:studio_session_changelist"))
        if request.method != "POST":
            context = {
                **self.admin_site.each_context(request),
                "title": f"{verb}: {session}",
                "session": session,
                "verb": verb,
                "when": self.when(session),
                "back": back,
                "opts": self.opts,
            }
            if name == "cancel" and self.can_see_money(request):
                context["refund_percent"] = session_lifecycle.refund_percent_for(
                    session=session, at=timezone.now()
                )
            if name == "decline" and self.can_see_money(request):
                context["refund_percent"] = 100
            return TemplateResponse(request, "studio/admin/session_action.html", context)
        try:
            service(session=session, by=request.user)
        except StudioError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("%(session)s: %(verb)s done.") % {"session": session, "verb": verb}
            )
        return redirect(back)

    # --- which steps are offered ---------------------------------------------------------------

    def get_actions_detail(self, request, object_id):
        """The step actions' pages take the change permission (a step the state does not allow
        is refused by its service, with the reason); their buttons are offered by state too.
        A step's action is named after it: `confirm_row` is the step `confirm`."""
        actions = super().get_actions_detail(request, object_id)
        session = Session.objects.filter(pk=object_id).only("status", "start").first()
        steps = session_lifecycle.session_steps(session=session) if session else []

        def step_of(action) -> str:
            return action.action_name.removeprefix("studio_session_").removesuffix("_row")

        return [a for a in actions if step_of(a) not in LIFECYCLE or step_of(a) in steps]

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if not self.has_change_permission(request):
            return columns
        back = request.get_full_path()
        today = timezone.localdate()

        @display(description=_("Next"))
        def next_steps(obj: Session):
            """The steps this session usually takes next, as links (the request is the list's:
            a ModelAdmin is shared by every request, so it is not kept on self)."""
            # The one step a row usually waits for: a request is confirmed, a session of today
            # checked in, one in progress checked out (the others are on its page).
            steps = [
                step
                for step in session_lifecycle.session_steps(session=obj)
                if step in ("confirm", "check_out")
                or (step == "check_in" and timezone.localtime(obj.start).date() <= today)
            ][:1]
            return format_html_join(
                " · ",
                '<a class="text-primary-600 font-medium whitespace-nowrap" href="{}?{}">{}</a>',
                (
                    (
                        reverse(f"admin:studio_session_{step}_row", args=[obj.pk]),
                        urlencode({"next": back}),
                        LIFECYCLE[step][1],
                    )
                    for step in steps
                ),
            )

        return [*columns, next_steps]

    @action(description=_("Confirm"), url_path="confirm", permissions=["change"])
    def confirm_row(self, request, object_id):
        return self._lifecycle(request, object_id, "confirm")

    @action(description=_("Decline request"), url_path="decline", permissions=["change"])
    def decline_row(self, request, object_id):
        return self._lifecycle(request, object_id, "decline")

    @action(description=_("Check in"), url_path="check-in", permissions=["change"])
    def check_in_row(self, request, object_id):
        return self._lifecycle(request, object_id, "check_in")

    @action(description=_("Check out"), url_path="check-out", permissions=["change"])
    def check_out_row(self, request, object_id):
        return self._lifecycle(request, object_id, "check_out")

    @action(description=_("Cancel session"), url_path="cancel", permissions=["change"])
    def cancel_row(self, request, object_id):
        return self._lifecycle(request, object_id, "cancel")

    @action(description=_("Mark as no-show"), url_path="no-show", permissions=["change"])
    def no_show_row(self, request, object_id):
        return self._lifecycle(request, object_id, "no_show")

    def has_delete_permission(self, request, obj=None):
        # Sessions are cancelled, never deleted: the history (and the money) must add up.
        return False
