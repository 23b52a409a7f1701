"""What every back-office ModelAdmin shares: saves, inline rows and deletes that go through
services (a refusal comes back as a form error), and the audit trail as the object's history."""

from __future__ import annotations

from functools import cached_property

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection
from unfold.admin import ModelAdmin, TabularInline

from siteconf.admin_services import (
    ServiceRefusal,
    ServiceSavesMixin,
    adopt,
    m2m_values,
    model_values,
    refusals_raised,
)
from studio.services.errors import StudioError

__all__ = [
    "AuditedModelAdmin",
    "LabelledTabularInline",
    "LargeTablePaginator",
    "ServiceForm",
    "ServiceModelAdmin",
    "ServiceRefusal",
    "ServiceSavesMixin",
    "adopt",
    "m2m_values",
    "message_refusal",
    "model_values",
    "refusals_raised",
]


class LabelledTabularInline(TabularInline):
    """A table of rows whose cells sit under the table's headings, with no <label> of their
    own: each field is named for screen readers by its heading ("Quantity", not an unnamed
    field). Choices drawn as several inputs keep their own labels."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and not getattr(field.widget, "allow_multiple_selected", False):
            field.widget.attrs.setdefault("aria-label", str(field.label or db_field.verbose_name))
        return field


class AuditedModelAdmin(ServiceSavesMixin, ModelAdmin):
    """The back office's ModelAdmin: saves through services, history from the audit trail."""


class ServiceForm(forms.ModelForm):
    """A ModelForm whose save is a service call: `run_service(data)` returns the saved
    instance. The ModelForm's own instance validation is skipped, so the rules are judged once,
    by the service, when the admin saves."""

    request = None

    def _post_clean(self):
        pass

    def run_service(self, data: dict):  # pragma: no cover - abstract
        raise NotImplementedError


class ServiceModelAdmin(AuditedModelAdmin):
    """Admin whose add/change forms are ServiceForms."""

    def save_record(self, request, obj, form, change):
        if isinstance(form, ServiceForm):
            return form.run_service(form.cleaned_data)
        return super().save_record(request, obj, form, change)


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
