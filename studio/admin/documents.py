"""What the invoice, quote and credit note pages share: the line rows, the totals panel with
live totals while a draft is edited, and PDF downloads."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from siteconf.admin_services import formset_outcome
from studio.admin.base import LabelledTabularInline, ServiceSavesMixin, adopt, refusals_raised
from studio.models import StoredPdf
from studio.models.billing import Line
from studio.money import money_format
from studio.selectors.documents import totals_rows
from studio.selectors.settings import studio_settings_get
from studio.services.documents import document_totals, exchange_rate_check
from studio.services.errors import StudioError


class LineInline(LabelledTabularInline):
    fields = ["position", *Line.FIELDS]
    extra = 0
    ordering = ["position", "id"]
    tab = False
    show_title = False  # each row already says what it is
    ordering_field = "position"  # rows are dragged into order
    hide_ordering_field = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is None:
            return field
        if db_field.name == "description":
            field.widget.attrs["style"] = "min-width: 20rem"
        return field

    def _editable(self, obj) -> bool:
        return obj is None or obj.status == "draft"

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None or (self._editable(obj) and not obj.lines.exists()) else 0

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


def totals_panel(doc, *, extra_rows: list[tuple[str, str, bool]] = ()) -> str:
    """The totals block of a document page; on a draft the live-totals script refreshes it."""
    if doc is None:  # a new document: the panel fills in as lines are typed
        return mark_safe(
            render_to_string("studio/admin/totals_panel.html", {"rows": [], "live": True})
        )
    computed = document_totals(doc) if doc.pk else None
    return mark_safe(
        render_to_string(
            "studio/admin/totals_panel.html",
            {
                "rows": totals_rows(computed, doc.currency) + list(extra_rows) if computed else [],
                "live": getattr(doc, "status", "") == "draft" or not doc.pk,
            },
        )
    )


def pdf_response(data, filename: str, *, download: bool = True) -> HttpResponse:
    """A PDF (bytes, or a StoredPdf) as a file the browser opens or saves."""
    content = bytes(data.data) if isinstance(data, StoredPdf) else data
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class FrozenAfterDraftMixin(ServiceSavesMixin):
    """Once issued (or sent), a document's page is read-only: no Save buttons, no editable
    rows. Its life goes on through the actions, which call the services. The totals sit under
    the lines, where they are edited."""

    change_form_template = "studio/admin/document_change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["document_totals"] = self.totals(obj) if obj is not None else totals_panel(None)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != "draft":
            return False
        return super().has_change_permission(request, obj)

    # The studio's settings field with the notes a new document starts with.
    default_notes_setting = ""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if self.default_notes_setting:
            initial.setdefault("notes", getattr(studio_settings_get(), self.default_notes_setting))
        return initial

    # The draft service of the document: create(by=, lines=, **header) and
    # update(<document>=, by=, lines=, **header). Set by each document's admin.
    draft_create = None
    draft_update = None
    draft_argument = ""

    def save_model(self, request, obj, form, change):
        """The header and the lines are saved together, by the draft service, once the line
        rows are at hand (in save_related)."""

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        header = {name: form.cleaned_data[name] for name in form.cleaned_data}
        lines = None
        for formset in formsets:
            formset_outcome(formset)  # the lines' changes are in the document's audit entry
            if issubclass(formset.model, Line):
                lines = draft_lines(formset)
        with refusals_raised():
            if change:
                saved = self.draft_update(
                    **{self.draft_argument: obj}, by=request.user, lines=lines, **header
                )
            else:
                saved = self.draft_create(by=request.user, lines=lines or [], **header)
        adopt(obj, saved)

    @display(description=_("Number"), ordering="number")
    def display_number(self, obj):
        return obj.number or _("Draft #%(pk)s") % {"pk": obj.pk}

    @display(description=_("Total"), ordering="total")
    def display_total(self, obj):
        return money_format(obj.total, obj.currency)

    def document(self, request, object_id):
        """The document an action is about, read once per request (each action's permission
        check asks for it)."""
        cache = request.__dict__.setdefault("_documents", {})
        key = (self.model, str(object_id))
        if key not in cache:
            cache[key] = get_object_or_404(
                self.model.objects.select_related("client"), pk=object_id
            )
        return cache[key]

    def in_status(self, request, object_id, *statuses) -> bool:
        """May this user act on that document now? (Unfold asks without an id for the list.)"""
        if not self.has_change_permission(request):
            return False
        return object_id is None or self.document(request, object_id).status in statuses

    def frozen_fields(self, obj, fields: list[str]) -> list[str]:
        if obj.currency == obj.studio_currency:
            return [f for f in fields if f != "exchange_rate"]
        return fields


def draft_lines(formset) -> list[dict]:
    """The line rows of a draft's page, in the order they were dragged into, as the draft
    service takes them (`id` for a row the draft already has)."""
    rows = []
    for index, row in enumerate(formset.forms):
        if row in formset.deleted_forms or not row.cleaned_data:
            continue
        if row.instance.pk is None and not row.has_changed():
            continue  # the empty row offered for a new line
        values = {name: row.cleaned_data.get(name) for name in Line.FIELDS}
        values = {name: value for name, value in values.items() if value is not None}
        rows.append((row.cleaned_data.get("position") or 0, index, row.instance.pk, values))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [{"id": pk, **values} for _position, _index, pk, values in rows]


class DocumentForm(forms.ModelForm):
    """Draft documents: the exchange rate is checked by the same rule the services use."""

    def clean(self):
        data = super().clean()
        if "currency" in data:
            try:
                data["exchange_rate"] = exchange_rate_check(
                    currency=data["currency"], rate=data.get("exchange_rate")
                )
            except StudioError as exc:
                self.add_error("exchange_rate", exc.message)
        return data
