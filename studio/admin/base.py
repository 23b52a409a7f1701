"""What every back-office ModelAdmin shares: audit entries for plain edits, the audit trail as
the object's history, and forms whose save goes through a service."""

from __future__ import annotations

from functools import cached_property

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection
from django.template.response import TemplateResponse
from unfold.admin import ModelAdmin

from studio.models import AuditEntry
from studio.services.audit import audit_record, changes_between, snapshot
from studio.services.errors import StudioError


class AuditMixin:
    """For objects without business rules of their own (rooms, clients, gear, staff...): the
    admin saves them, and every create, change and delete lands in the audit trail."""

    # Fields never copied into the trail (secrets, bookkeeping).
    audit_exclude: tuple[str, ...] = ("password", "last_login")

    def _snapshot(self, obj) -> dict:
        return {k: v for k, v in snapshot(obj).items() if k not in self.audit_exclude}

    def save_model(self, request, obj, form, change):
        before = self._snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        changes = changes_between(before, self._snapshot(obj))
        if changes or not change:
            action = f"{obj._meta.model_name}.{'changed' if change else 'created'}"
            audit_record(action=action, obj=obj, by=request.user, changes=changes)

    def save_formset(self, request, form, formset, change):
        """Inline rows (peak rates, opening hours, maintenance...) are audited one by one."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_record(action=f"{obj._meta.model_name}.deleted", obj=obj, by=request.user)
            obj.delete()
        changed = {f.instance.pk: f.changed_data for f in formset.forms if f.instance.pk}
        for obj in instances:
            created = obj.pk is None
            before = {} if created else self._snapshot(type(obj).objects.get(pk=obj.pk))
            obj.save()
            if created or changed.get(obj.pk):
                audit_record(
                    action=f"{obj._meta.model_name}.{'created' if created else 'changed'}",
                    obj=obj,
                    by=request.user,
                    changes=changes_between(before, self._snapshot(obj)),
                )
        formset.save_m2m()

    def delete_model(self, request, obj):
        audit_record(action=f"{obj._meta.model_name}.deleted", obj=obj, by=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(action=f"{obj._meta.model_name}.deleted", obj=obj, by=request.user)
        super().delete_queryset(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        entries = AuditEntry.objects.filter(
            model=self.opts.model_name, object_id=str(obj.pk)
        ).select_related("user")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Audit trail: {obj}",
            "object": obj,
            "opts": self.opts,
            "entries": entries[:200],
        }
        return TemplateResponse(request, "studio/admin/object_history.html", context)


class AuditedModelAdmin(AuditMixin, ModelAdmin):
    pass


class ServiceForm(forms.ModelForm):
    """A ModelForm whose save is a service call, made in clean() so that a refusal comes back
    as a form error with everything the user typed still there.

    Subclasses implement `run_service(data)` and return the saved instance.
    """

    request = None

    def _post_clean(self):
        # The service validates the instance; ModelForm's own instance validation is skipped.
        pass

    def run_service(self, data: dict):  # pragma: no cover - abstract
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.instance = self.run_service(data)
        except StudioError as exc:
            field = exc.field if exc.field in self.fields else None
            self.add_error(field, exc.message)
        return data


class ServiceModelAdmin(ModelAdmin):
    """Admin whose add/change forms are ServiceForms: nothing left to save afterwards."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request
        return form

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


def message_refusal(request, exc: StudioError) -> None:
    messages.error(request, exc.message)


class LargeTablePaginator(Paginator):
    """Counts an unfiltered list from PostgreSQL's statistics once the table is large.

    An exact COUNT(*) over hundreds of thousands of sessions costs more than the page itself;
    past ESTIMATE_FROM rows the page count is an estimate (filtered lists are counted exactly).
    """

    ESTIMATE_FROM = 20_000

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [self.object_list.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] >= self.ESTIMATE_FROM:
                return row[0]
        return super().count
