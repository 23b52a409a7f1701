"""Sessions in the back office: list, form and the row actions of a session's life."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RangeDateTimeFilter, RelatedDropdownFilter
from unfold.decorators import action, display
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelect2MultipleWidget,
)

from siteconf.redirects import safe_next
from studio.admin.base import LargeTablePaginator, ServiceForm, ServiceModelAdmin
from studio.admin.money import MoneyVisibilityMixin
from studio.admin.session_money import SessionMoneyActionsMixin
from studio.admin.site import studio_admin_site
from studio.admin.transfer import TransferMixin
from studio.models import Engineer, Equipment, Session
from studio.models.sessions import MAX_SESSION
from studio.resources import SessionResource
from studio.services import session_lifecycle
from studio.services import sessions as booking
from studio.services.errors import StudioError

STATUS_COLOURS = {
    "requested": "warning",
    "confirmed": "info",
    "checked_in": "primary",
    "completed": "success",
    "cancelled": "danger",
    "no_show": "danger",
}


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

    class Meta:
        model = Session
        fields = ["client", "room", "start", "end", "status", "notes", "recall_notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields.pop("weeks")
            self.fields.pop("status", None)
            self.initial["engineers"] = list(self.instance.engineers.all())
            self.initial["equipment"] = list(self.instance.equipment.all())
        elif "status" in self.fields:
            self.fields["status"].choices = [
                (Session.Status.CONFIRMED, _("Confirmed")),
                (Session.Status.REQUESTED, _("Requested (to be confirmed)")),
            ]

    def run_service(self, data: dict) -> Session:
        by = self.request.user if self.request else None
        details = {
            "client": data["client"],
            "room": data["room"],
            "engineers": data.get("engineers") or [],
            "equipment": data.get("equipment") or [],
            "notes": data.get("notes", ""),
            "recall_notes": data.get("recall_notes", ""),
        }
        if self.instance.pk:
            return booking.session_update(
                session=self.instance, start=data["start"], end=data["end"], by=by, **details
            )
        status = data.get("status") or Session.Status.CONFIRMED
        weeks = data.get("weeks") or 1
        if weeks > 1:
            return booking.session_series_create(
                weeks=weeks, start=data["start"], end=data["end"], status=status, by=by, **details
            )[0]
        return booking.session_create(
            start=data["start"], end=data["end"], status=status, by=by, **details
        )


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
    "check_in": (session_lifecycle.session_check_in, _("Check in")),
    "check_out": (session_lifecycle.session_check_out, _("Check out")),
    "cancel": (session_lifecycle.session_cancel, _("Cancel session")),
    "no_show": (session_lifecycle.session_mark_no_show, _("Mark as no-show")),
}


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
    money_fields = ("price", "deposit_due", "refund_percent")
    readonly_fields = [
        "status",
        "price",
        "deposit_due",
        "refund_percent",
        "checked_in_at",
        "checked_out_at",
        "overtime_minutes",
        "gear_alert",
    ]
    # A row offers only the steps its session can take (the next_steps column); Unfold's row
    # menu would offer every step on every row.
    actions_detail = [
        "confirm_row",
        "check_in_row",
        "check_out_row",
        "cancel_row",
        "no_show_row",
        "take_deposit",
    ]
    actions = ["bill_selected"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("client", "room")
            .prefetch_related("engineers")
        )

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
        return initial

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # A new session's status is chosen in the form; afterwards only the actions change it.
        return fields if obj else [f for f in fields if f != "status"]

    def get_ordering(self, request):
        upcoming = request.GET.get(WhenFilter.parameter_name, WhenFilter.DEFAULT) == "upcoming"
        return ["start"] if upcoming else ["-start"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["client", "room", "start", "end", "engineers", "equipment"]}),
            (_("Notes"), {"fields": ["notes", "recall_notes"]}),
        ]
        if obj is None:
            fieldsets[0][1]["fields"] += ["status", "weeks"]
        else:
            fieldsets.append(
                (
                    _("On the day and billing"),
                    {
                        "fields": [
                            "status",
                            "price",
                            "deposit_due",
                            "refund_percent",
                            "checked_in_at",
                            "checked_out_at",
                            "overtime_minutes",
                            "gear_alert",
                        ]
                    },
                )
            )
        return self._money_filtered(request, fieldsets)

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

    @display(description=_("Engineers"))
    def crew(self, obj: Session) -> str:
        return ", ".join(e.name for e in obj.engineers.all()) or "—"

    @display(description=_("Status"), label=STATUS_COLOURS)
    def status_badge(self, obj: Session):
        return obj.status, obj.get_status_display()

    @display(description=_("Gear"))
    def gear_warning(self, obj: Session) -> str:
        return f"⚠ {obj.gear_alert}" if obj.gear_alert else ""

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

    def _steps_offered(self, request, object_id) -> list[str]:
        """The steps of this session the person may take now (read once per page)."""
        if not self.has_change_permission(request):
            return []
        cache = request.__dict__.setdefault("_session_steps", {})
        if object_id not in cache:
            session = Session.objects.filter(pk=object_id).only("status", "start").first()
            cache[object_id] = session_lifecycle.session_steps(session=session) if session else []
        return cache[object_id]

    def has_confirm_step_permission(self, request, object_id=None):
        return "confirm" in self._steps_offered(request, object_id)

    def has_check_in_step_permission(self, request, object_id=None):
        return "check_in" in self._steps_offered(request, object_id)

    def has_check_out_step_permission(self, request, object_id=None):
        return "check_out" in self._steps_offered(request, object_id)

    def has_cancel_step_permission(self, request, object_id=None):
        return "cancel" in self._steps_offered(request, object_id)

    def has_no_show_step_permission(self, request, object_id=None):
        return "no_show" in self._steps_offered(request, object_id)

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

    @action(description=_("Confirm"), url_path="confirm", permissions=["confirm_step"])
    def confirm_row(self, request, object_id):
        return self._lifecycle(request, object_id, "confirm")

    @action(description=_("Check in"), url_path="check-in", permissions=["check_in_step"])
    def check_in_row(self, request, object_id):
        return self._lifecycle(request, object_id, "check_in")

    @action(description=_("Check out"), url_path="check-out", permissions=["check_out_step"])
    def check_out_row(self, request, object_id):
        return self._lifecycle(request, object_id, "check_out")

    @action(description=_("Cancel session"), url_path="cancel", permissions=["cancel_step"])
    def cancel_row(self, request, object_id):
        return self._lifecycle(request, object_id, "cancel")

    @action(description=_("Mark as no-show"), url_path="no-show", permissions=["no_show_step"])
    def no_show_row(self, request, object_id):
        return self._lifecycle(request, object_id, "no_show")

    def has_delete_permission(self, request, obj=None):
        # Sessions are cancelled, never deleted: the history (and the money) must add up.
        return False
