"""Projects and their stages in the back office: the list, a project's page (tracks, expenses,
sessions, budget, dates, retention, masters) and the stages of the board.

Every save goes through studio/services/projects.py; the budget and the masters' release state
are read from studio/selectors/projects.py, so the page says what the rules say.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.forms.models import construct_instance
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RelatedDropdownFilter
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminTextInputWidget

from studio.admin import actions as ui
from studio.admin.base import AuditedModelAdmin, LabelledTabularInline, ServiceForm, model_values
from studio.admin.money import MoneyVisibilityMixin
from studio.admin.site import studio_admin_site
from studio.admin.transfer import TransferMixin
from studio.models import Project, ProjectExpense, ProjectStage, Session, Track
from studio.money import money_format
from studio.resources import ProjectResource
from studio.selectors.projects import masters_release, project_budget, with_spending
from studio.services.audio_review import masters_release_manual
from studio.services.projects import (
    expense_add,
    project_create,
    project_stage_set,
    project_update,
    stage_delete,
    stage_save,
    track_create,
    track_update,
)
from studio.services.retention import project_retention, retention_extend

BUDGET_LABELS = {"ok": "success", "warning": "warning", "over": "danger", "none": "info"}
BUDGET_WORDS = {
    "ok": _("On budget"),
    "warning": _("90 % spent"),
    "over": _("Over budget"),
    "none": _("No budget"),
}


def track_url(track: Track) -> str:
    """The track's own page (credits, splits, versions); empty while it has none."""
    try:
        return reverse("admin:studio_track_change", args=[track.pk])
    except NoReverseMatch:
        return ""


class TrackRowForm(forms.ModelForm):
    """A track row, judged by track_create / track_update when the page is saved (an ISRC is
    typed with its hyphens, GB-AB1-26-00042, and stored without): the row only carries the
    typed values to the service."""

    isrc = forms.CharField(
        label=_("ISRC"),
        max_length=20,
        required=False,
        # Declared here, so not named by LabelledTabularInline: its heading names it.
        widget=UnfoldAdminTextInputWidget(attrs={"aria-label": _("ISRC")}),
    )

    def _post_clean(self):
        self.instance = construct_instance(self, self.instance, self._meta.fields)

    class Meta:
        model = Track
        fields = ["number", "title", "status", "bpm", "key", "isrc", "duration_seconds"]


class StageForm(ServiceForm):
    class Meta:
        model = ProjectStage
        fields = ["name", "colour", "is_delivered"]


class TrackInline(LabelledTabularInline):
    model = Track
    form = TrackRowForm
    extra = 0
    can_delete = False
    fields = ["number", "title", "status", "bpm", "key", "isrc", "duration_seconds", "open"]
    readonly_fields = ["open"]
    show_change_link = False

    @display(description=_("Page"))
    def open(self, obj: Track):
        url = track_url(obj) if obj.pk else ""
        if not url:
            return "—"
        return format_html(
            '<a class="text-primary-600 underline whitespace-nowrap" href="{}">{}</a>',
            url,
            _("Credits, audio…"),
        )


class ExpenseInline(LabelledTabularInline):
    """Expenses are added, never edited: what was spent stays as it was entered."""

    model = ProjectExpense
    extra = 0
    can_delete = False
    fields = ["description", "amount", "spent_on"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Project, site=studio_admin_site)
class ProjectAdmin(TransferMixin, MoneyVisibilityMixin, AuditedModelAdmin):
    resource_classes = [ProjectResource]
    change_form_template = "studio/admin/project_change_form.html"
    list_display = ["title", "client", "stage_badge", "budget_state", "target_date", "tracks"]
    list_filter = ["stage", "kind", ("client", RelatedDropdownFilter)]
    list_filter_submit = True
    search_fields = ["title", "client__name", "client__artist_name"]
    autocomplete_fields = ["client"]
    list_per_page = 50
    money_fields = ("budget", "budget_state")
    readonly_fields = ["retention"]
    inlines = [TrackInline, ExpenseInline]
    actions_detail = ["release_masters"]
    fieldsets = [
        (None, {"fields": ["title", "kind", "client", "stage"]}),
        (_("Dates"), {"fields": [("start_date", "target_date", "delivered_on")]}),
        (_("Budget"), {"fields": ["budget"]}),
        (_("Audio retention"), {"fields": ["retention", "retention_until"]}),
        (_("Notes"), {"fields": ["notes"]}),
    ]

    def get_queryset(self, request):
        projects = (
            super()
            .get_queryset(request)
            .select_related("client", "stage")
            .annotate(track_count=Count("tracks", distinct=True))
        )
        return with_spending(projects)

    def get_changeform_initial_data(self, request):
        # A new project starts in the board's first column unless another is chosen.
        initial = super().get_changeform_initial_data(request)
        first = ProjectStage.objects.order_by("position", "id").first()
        if first is not None:
            initial.setdefault("stage", first.pk)
        return initial

    def get_inlines(self, request, obj):
        # Expenses are money: engineers add tracks, not costs.
        if obj is None:
            return []
        return [i for i in self.inlines if i is not ExpenseInline or self.can_see_money(request)]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            fieldsets = [(n, o) for n, o in fieldsets if n != _("Audio retention")]
        return fieldsets

    @display(description=_("Stage"), ordering="stage__position")
    def stage_badge(self, obj: Project) -> str:
        return obj.stage.name

    @display(description=_("Budget"), label=BUDGET_LABELS)
    def budget_state(self, obj: Project):
        budget = project_budget(obj)
        if budget.budget is None:
            return budget.state, BUDGET_WORDS["none"]
        spent, of = (
            money_format(budget.spent, obj.currency),
            money_format(budget.budget, obj.currency),
        )
        text = f"{spent} / {of}"
        if budget.state != "ok":
            # Said in words as well as in colour.
            text = f"{text} · {BUDGET_WORDS[budget.state]}"
        return budget.state, text

    @display(description=_("Tracks"), ordering="track_count")
    def tracks(self, obj: Project) -> int:
        return obj.track_count

    @display(description=_("When the audio goes"))
    def retention(self, obj: Project) -> str:
        return project_retention(obj).line if obj.pk else "—"

    # --- saving through the services ----------------------------------------------------------

    def save_record(self, request, obj, form, change):
        values = model_values(form, obj, changed_only=change)
        stage = values.pop("stage", None)
        keep_until = values.pop("retention_until", None) if "retention_until" in values else False
        if not change:
            delivered_on = values.pop("delivered_on", None)
            project = project_create(by=request.user, stage=stage, **values)
            if delivered_on:
                project = project_update(
                    project=project, delivered_on=delivered_on, by=request.user
                )
            return project
        project = obj
        if values:
            project = project_update(project=obj, by=request.user, **values)
        if stage is not None:
            project = project_stage_set(project=project, stage=stage, by=request.user)
        if keep_until:
            project = retention_extend(project=project, until=keep_until, by=request.user)
        elif keep_until is None:
            # Emptied: the studio's rule applies again.
            project = project_update(project=project, retention_until=None, by=request.user)
        return project

    def save_inline_row(self, request, parent, row, change):
        if isinstance(row, Track):
            values = {
                name: getattr(row, name)
                for name in ("number", "title", "status", "bpm", "key", "isrc", "duration_seconds")
            }
            if row.pk is None:
                return track_create(project=parent, by=request.user, **values)
            return track_update(track=row, by=request.user, **values)
        return expense_add(
            project=parent,
            description=row.description,
            amount=row.amount,
            spent_on=row.spent_on,
            by=request.user,
        )

    # --- the page around the form --------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        project = self.get_object(request, object_id)
        if project is not None:
            extra_context = {**(extra_context or {}), **self.panels(request, project)}
        return super().change_view(request, object_id, form_url, extra_context)

    def panels(self, request, project: Project) -> dict:
        """Budget, sessions and the masters' state, for the panels above the form."""
        money = self.can_see_money(request)
        sessions = list(
            Session.objects.filter(project=project).select_related("room").order_by("start")
        )
        context = {
            "project_sessions": [
                (session, money_format(session.price, project.currency) if money else "")
                for session in sessions
            ],
            "can_see_money": money,
        }
        if money:
            budget = project_budget(project)
            context["budget"] = budget
            context["budget_money"] = {
                name: money_format(value, project.currency)
                for name, value in (
                    ("budget", budget.budget),
                    ("spent", budget.spent),
                    ("sessions", budget.sessions),
                    ("expenses", budget.expenses),
                    ("remaining", budget.remaining),
                    ("over", -budget.remaining if budget.state == "over" else None),
                )
                if value is not None
            }
            context["budget_percent"] = (
                min(100, round(budget.share * 100)) if budget.share is not None else None
            )
            context["release"] = masters_release(project)
            context["release_due"] = [
                (invoice, money_format(invoice.balance, invoice.currency))
                for invoice in context["release"].due
            ]
        return context

    # --- masters --------------------------------------------------------------------------------

    def has_release_masters_permission(self, request, object_id=None):
        # Letting masters go before payment is a money decision as well as a project one.
        return self.has_change_permission(request) and self.can_see_money(request)

    @action(
        description=_("Release masters without payment"),
        url_path="release-masters",
        permissions=["release_masters"],
    )
    def release_masters(self, request, object_id):
        if not self.has_release_masters_permission(request, object_id):
            raise PermissionDenied
        project = get_object_or_404(Project, pk=object_id)
        release = masters_release(project)
        return ui.action_page(
            self,
            request,
            project,
            verb=_("Release masters without payment"),
            permission="release_masters",
            summary=[
                release.reason,
                _(
                    "%(client)s can download the masters of “%(project)s” from the portal at "
                    "once, whatever the invoices say, and is e-mailed that they are ready."
                )
                % {"client": project.client, "project": project},
            ],
            run=lambda data: masters_release_manual(project=project, by=request.user),
        )


@admin.register(ProjectStage, site=studio_admin_site)
class ProjectStageAdmin(AuditedModelAdmin):
    """The columns of the board; they are reordered by dragging them on the board."""

    form = StageForm
    list_display = ["name", "colour", "is_delivered", "position"]
    fields = ["name", "colour", "is_delivered"]
    ordering = ["position", "id"]

    def save_record(self, request, obj, form, change):
        # The service compares against the stage as stored, not the form's edited copy.
        return stage_save(
            stage=ProjectStage.objects.get(pk=obj.pk) if change else None,
            name=form.cleaned_data["name"],
            colour=form.cleaned_data["colour"],
            is_delivered=form.cleaned_data["is_delivered"],
            by=request.user,
        )

    def delete_record(self, request, obj):
        stage_delete(stage=obj, by=request.user)
