"""The small forms of a track's page (studio/admin/tracks.py): the track's own fields, a credit,
and the times typed in a review comment."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from studio.admin.actions import SELECT, TEXT
from studio.models import Credit, Track
from studio.services import projects
from studio.services.errors import StudioError


class CreditForm(forms.Form):
    person = forms.CharField(label=_("Person"), max_length=200, widget=TEXT)
    role = forms.ChoiceField(label=_("Role"), choices=Credit.Role.choices, widget=SELECT)
    instrument = forms.CharField(label=_("Instrument"), max_length=100, required=False, widget=TEXT)


class TrackForm(forms.ModelForm):
    # Typed as printed, with hyphens ("GB-AB1-26-00042"); stored compact, as the service does.
    isrc = forms.CharField(label=_("ISRC"), max_length=20, required=False, widget=TEXT)

    class Meta:
        model = Track
        fields = ["project", *projects.TRACK_FIELDS]

    def clean_isrc(self) -> str:
        try:
            return projects.isrc_check(self.cleaned_data["isrc"])
        except StudioError as exc:
            raise forms.ValidationError(exc.message) from exc


def seconds_parse(value: str) -> str:
    """'42', '42.5', '0:42' or '1:02:05' as seconds (a string, for the service to judge)."""
    value = (value or "").strip()
    if ":" not in value:
        return value
    try:
        parts = [Decimal(part) for part in value.split(":")]
    except InvalidOperation:
        return value
    total = Decimal(0)
    for part in parts:
        total = total * 60 + part
    return str(total)


def credit_form_again(typed: dict | None) -> CreditForm:
    """The credit form as it was refused: what was typed, with the service's message."""
    if not typed:
        return CreditForm()
    form = CreditForm(typed["data"])
    form.is_valid()
    error = typed.get("error")
    if error:
        form.add_error(error["field"] if error["field"] in form.fields else None, error["message"])
    return form
