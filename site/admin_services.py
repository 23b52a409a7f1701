"""What the studio back office and the platform admin share: every save, inline row and delete
of an admin page goes through a service, and a refusal comes back as a form error."""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from studio.services import records
from studio.services.audit import audit_entries
from studio.services.errors import StudioError


class ServiceRefusal(Exception):
    """A service refused a save the form had accepted: carries the refusal back to the page."""

    def __init__(self, error):
        super().__init__(error.message)
        self.error = error


@contextmanager
def refusals_raised():
    try:
        yield
    except StudioError as exc:
        raise ServiceRefusal(exc) from exc


def adopt(obj, saved) -> None:
    """Make the admin's instance the saved one (the admin goes on with the object it built)."""
    if saved is not None and saved is not obj:
        obj.__dict__.update(saved.__dict__)


def model_values(form, obj, *, changed_only: bool = False) -> dict:
    """The model fields a form set on `obj`, as keyword arguments for a service."""
    concrete = {f.name for f in obj._meta.concrete_fields}
    names = form.changed_data if changed_only else form.cleaned_data
    return {name: getattr(obj, name) for name in names if name in concrete}


def m2m_values(form, obj) -> dict:
    names = {f.name for f in obj._meta.many_to_many}
    return {name: form.cleaned_data[name] for name in form.cleaned_data if name in names}


def formset_outcome(formset) -> None:
    """What Django's change message reads from a saved formset (filled as rows are saved)."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class ServiceSavesMixin:
    """Every save, inline row and delete of an admin page goes through a service.

    The form validates what was typed; the save calls the service inside the page's
    transaction. When the service refuses (a plan limit, a rule only the database can judge),
    the transaction is rolled back and the page is shown again with the refusal as a form error
    and everything the user typed still there: the refusal is never a 500 and never a write
    half done. Subclasses choose the service in `save_record` / `delete_record`; the default is
    the audited record service.
    """

    # --- hooks: which service saves and deletes this admin's objects -------------------------

    def save_record(self, request, obj, form, change):
        return records.record_save(obj=obj, by=request.user, m2m=m2m_values(form, obj))

    def delete_record(self, request, obj) -> None:
        records.record_delete(obj=obj, by=request.user)

    def save_inline_row(self, request, parent, row, change):
        return records.record_save(obj=row, by=request.user)

    def delete_inline_row(self, request, parent, row) -> None:
        records.record_delete(obj=row, by=request.user)

    # --- Django's admin, routed through the hooks ------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request
        refusal = getattr(request, "service_refusal", None)
        if refusal is None:
            return form

        class RefusedForm(form):
            def clean(self):
                data = super().clean()
                field = refusal.field if refusal.field in self.fields else None
                self.add_error(field, refusal.message)
                return data

        RefusedForm.__name__ = form.__name__
        return RefusedForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefusal as refusal:
            # The page's transaction is rolled back; show it again with the refusal on it.
            request.service_refusal = refusal.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        with refusals_raised():
            adopt(obj, self.save_record(request, obj, form, change))

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields were set by the service in save_model.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        """Inline rows (peak rates, opening hours, maintenance...) one by one."""
        parent = form.instance
        formset_outcome(formset)
        with refusals_raised():
            for row_form in formset.deleted_forms:
                if row_form.instance.pk:
                    self.delete_inline_row(request, parent, row_form.instance)
                    formset.deleted_objects.append(row_form.instance)
            for row_form in formset.forms:
                if row_form in formset.deleted_forms or not row_form.has_changed():
                    continue
                row = row_form.instance
                created = row.pk is None
                setattr(row, formset.fk.name, parent)
                adopt(row, self.save_inline_row(request, parent, row, change))
                if created:
                    formset.new_objects.append(row)
                else:
                    formset.changed_objects.append((row, row_form.changed_data))

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceRefusal as refusal:
            messages.error(request, refusal.error.message)
            return redirect(request.path.rsplit("/delete/", 1)[0] + "/change/")

    def delete_model(self, request, obj):
        with refusals_raised():
            self.delete_record(request, obj)

    def delete_queryset(self, request, queryset):
        try:
            with transaction.atomic():
                for obj in queryset:
                    self.delete_record(request, obj)
        except StudioError as exc:
            request.service_refused = True
            messages.error(request, exc.message)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # After a refused bulk delete, Django's own "Successfully deleted" would be untrue.
        if getattr(request, "service_refused", False) and level == messages.SUCCESS:
            return
        super().message_user(request, message, level, *args, **kwargs)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied  # as Django's own history page answers
        entries = audit_entries(obj)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Audit trail: {obj}",
            "object": obj,
            "opts": self.opts,
            "entries": entries[:200],
        }
        return TemplateResponse(request, "studio/admin/object_history.html", context)
