"""A page for an action on one document: what it is, an optional small form, one button.

The action itself is a service call; a refusal comes back as an error on the same page with what
the user typed still there, and nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from studio.services.errors import StudioError
from studio.services.two_factor import two_factor_reset
from studio.widgets import AREA, DATE, MONEY, SELECT, TEXT

__all__ = ["AREA", "DATE", "MONEY", "SELECT", "TEXT", "action_page", "change_url"]


class NoFields(forms.Form):
    pass


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def action_page(
    modeladmin,
    request,
    obj,
    *,
    verb: str,
    run: Callable[[dict], object],
    form_class: type[forms.Form] = NoFields,
    initial: dict | None = None,
    summary: list[str] = (),
    warning: str = "",
    permission: str = "change",
    done: Callable[[object], str] | None = None,
):
    check = getattr(modeladmin, f"has_{permission}_permission")
    # Django's own checks are asked for the model: an issued document is read-only as a page
    # yet still has actions. The action checks (as Unfold calls them) take the object's id.
    builtin = permission in ("view", "add", "change", "delete")
    if not (check(request) if builtin else check(request, obj.pk)):
        raise PermissionDenied
    back = change_url(obj)
    form = form_class(request.POST if request.method == "POST" else None, initial=initial or {})
    if request.method == "POST" and form.is_valid():
        try:
            result = run(form.cleaned_data)
        except StudioError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
        else:
            messages.success(request, f"{obj}: {verb.lower()} done.")
            return redirect(done(result) if done else back)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"{verb}: {obj}",
        "verb": verb,
        "object": obj,
        "summary": summary,
        "warning": warning,
        "form": form,
        "back": back,
        "opts": modeladmin.opts,
    }
    return TemplateResponse(request, "studio/admin/money_action.html", context)


class TwoFactorResetAction:
    """*Reset two-factor sign-in* on another person's account page (a studio's staff, the
    platform's operators): recovery for a lost phone. Offered to those who may change accounts
    and never on one's own page; the service decides who may (owners in a studio, operators on
    the platform) and records it."""

    # What happens next for the person, said on the confirmation page.
    two_factor_reset_after = _("they set up a new app at their next sign-in.")
    two_factor_reset_warning = _("For a lost phone: make sure it is them who asked.")

    def has_reset_two_factor_permission(self, request, object_id=None):
        return request.user.has_perm("auth.change_user") and str(object_id) != str(request.user.pk)

    @action(
        description=_("Reset two-factor sign-in"),
        url_path="reset-two-factor",
        permissions=["reset_two_factor"],
    )
    def reset_two_factor(self, request, object_id):
        user = get_object_or_404(get_user_model(), pk=object_id)
        return action_page(
            self,
            request,
            user,
            verb=_("Reset two-factor sign-in"),
            summary=[
                _("%(name)s's authenticator app and backup codes stop working; %(after)s")
                % {
                    "name": user.get_full_name() or user.get_username(),
                    "after": self.two_factor_reset_after,
                }
            ],
            warning=self.two_factor_reset_warning,
            run=lambda data: two_factor_reset(user=user, by=request.user),
            permission="reset_two_factor",
        )
