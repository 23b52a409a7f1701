"""The page a set-password link opens (an invitation or a reset): the holder of the link
chooses a password, is signed in, and the link is spent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from unfold.widgets import UnfoldAdminPasswordWidget

from studio.services.errors import StudioError
from studio.services.staff import staff_password_set
from studio.services.staff_links import staff_link_user


class ChoosePasswordForm(SetPasswordForm):
    """Django's set-password form, drawn like the sign-in page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget = UnfoldAdminPasswordWidget(
                attrs={"autocomplete": "new-password"}
            )


SPENT = _("This link has expired or was already used. Ask the studio's owner for a new one.")


@sensitive_post_parameters("new_password1", "new_password2")
def set_password(request, uidb64: str, token: str, *, admin_site: AdminSite):
    user = staff_link_user(uidb64=uidb64, token=token)
    form = None
    if user is not None:
        form = ChoosePasswordForm(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                staff_password_set(user=user, password=form.cleaned_data["new_password1"])
            except StudioError as exc:
                form.add_error(None, exc.message)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Your password is set. Welcome!"))
                return redirect("admin:index")
    context = {
        **admin_site.each_context(request),
        "title": _("Choose your password"),
        "form": form,
        "account": user,
        "spent": SPENT if user is None else "",
    }
    return TemplateResponse(request, "studio/set_password.html", context)
