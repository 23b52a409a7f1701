"""Sign-in, registration, e-mailed links, passwords and sign-out of the portal.

The rules are in portal.services.accounts; these views turn forms into calls and refusals into
messages on the same page. Every form posts with Django's CSRF token; an e-mailed link only
shows a button on GET (mail scanners follow links, and must not burn a single-use one).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from portal.auth import portal_account_of, portal_login_required
from portal.models import PortalLink
from portal.services import accounts
from studio.models import StudioSettings
from studio.selectors.settings import studio_settings_get
from studio.services.errors import StudioError

NO_MATCH = "That e-mail and password do not match a client account here."
SIGNED_OUT = "You are signed out."
PASSWORD_SAVED = "Your password is saved. Next time, sign in with it or with an e-mailed link."

EMAIL_INPUT = forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"})


def _password(autocomplete: str) -> forms.PasswordInput:
    return forms.PasswordInput(attrs={"autocomplete": autocomplete})


class EmailForm(forms.Form):
    email = forms.EmailField(label="E-mail", max_length=254, widget=EMAIL_INPUT)


class PasswordSignInForm(EmailForm):
    password = forms.CharField(label="Password", strip=False, widget=_password("current-password"))


class RegisterForm(EmailForm):
    name = forms.CharField(label="Your name or your band's", max_length=200, required=False)


class PasswordSetForm(forms.Form):
    current = forms.CharField(
        label="Current password", strip=False, required=False, widget=_password("current-password")
    )
    password = forms.CharField(label="New password", strip=False, widget=_password("new-password"))
    password_again = forms.CharField(
        label="New password again", strip=False, widget=_password("new-password")
    )


def safe_next(request, default: str = "") -> str:
    """Where to go after signing in: the `next` asked for, if it stays on this host (and out
    of the back office), else the portal's home."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if allowed and candidate.startswith("/") and not candidate.startswith("/admin"):
        return candidate
    return default or reverse("portal:home")


def _refuse(form: forms.Form, exc: StudioError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _inbox(request, *, email: str, what: str):
    return render(request, "portal/accounts/inbox.html", {"email": email, "what": what}, status=200)


@require_http_methods(["GET", "POST"])
def sign_in(request):
    """E-mail and "e-mail me a link", or e-mail and password. A member of staff signed in to
    the back office is told this page wants a client account."""
    link_form = EmailForm(prefix="link")
    password_form = PasswordSignInForm(prefix="password")
    next_url = safe_next(request)
    if request.method == "POST" and request.POST.get("method") == "link":
        link_form = EmailForm(request.POST, prefix="link")
        if link_form.is_valid():
            email = link_form.cleaned_data["email"]
            try:
                # The link carries `next` only when there is somewhere to go but home.
                home = reverse("portal:home")
                carried = "" if next_url == home else next_url
                accounts.sign_in_link_send(email=email, request=request, next_url=carried)
            except StudioError as exc:
                _refuse(link_form, exc)
            else:
                return _inbox(request, email=email, what="a sign-in link")
    elif request.method == "POST":
        password_form = PasswordSignInForm(request.POST, prefix="password")
        if password_form.is_valid():
            email = password_form.cleaned_data["email"]
            # Through authenticate(), so django-axes counts (and locks out) failures.
            user = authenticate(
                request=request,
                username=accounts.portal_username(email),
                password=password_form.cleaned_data["password"],
                portal=True,
            )
            account = portal_account_of(user) if user is not None else None
            if account is not None:
                accounts.portal_sign_in(request=request, account=account)
                return redirect(next_url)
            password_form.add_error(None, NO_MATCH)
    user = request.user
    return render(
        request,
        "portal/accounts/sign_in.html",
        {
            "link_form": link_form,
            "password_form": password_form,
            "next": next_url,
            "staff_signed_in": user.is_authenticated and portal_account_of(user) is None,
        },
    )


@require_http_methods(["GET", "POST"])
def register(request):
    mode = studio_settings_get().booking_mode
    if mode == StudioSettings.BookingMode.INVITE:
        return render(
            request,
            "portal/accounts/closed.html",
            {"message": accounts.INVITE_ONLY},
            status=403,
        )
    form = RegisterForm(request.POST or None)
    open_mode = mode == StudioSettings.BookingMode.OPEN
    form.fields["name"].required = open_mode
    if request.method == "POST" and form.is_valid():
        try:
            accounts.portal_register(
                email=form.cleaned_data["email"], name=form.cleaned_data["name"], request=request
            )
        except StudioError as exc:
            _refuse(form, exc)
        else:
            return _inbox(request, email=form.cleaned_data["email"], what="a link to your account")
    return render(request, "portal/accounts/register.html", {"form": form, "open": open_mode})


LINK_PAGES = {
    PortalLink.Purpose.SIGN_IN: ("Sign in", "Sign in to your account"),
    PortalLink.Purpose.INVITE: ("Open your account", "Open my account"),
    PortalLink.Purpose.RESET: ("Choose a new password", "Continue"),
}


@require_http_methods(["GET", "POST"])
def link(request, purpose: str, secret: str):
    """An e-mailed link. GET checks it and shows one button; POST uses it and signs in."""
    if purpose not in LINK_PAGES:
        purpose = ""
    title, button = LINK_PAGES.get(purpose, ("Link", ""))
    try:
        if request.method == "POST":
            account = accounts.link_use(secret=secret, purpose=purpose)
        else:
            account = accounts.link_check(secret=secret, purpose=purpose).account
    except StudioError as exc:
        context = {"title": title, "error": exc.message}
        return render(request, "portal/accounts/link.html", context, status=410)
    if request.method == "GET":
        context = {
            "title": title,
            "button": button,
            "email": account.email,
            "next": safe_next(request),
        }
        return render(request, "portal/accounts/link.html", context)
    fresh = purpose != PortalLink.Purpose.SIGN_IN
    accounts.portal_sign_in(request=request, account=account, password_without_current=fresh)
    if fresh:
        return redirect("portal:password_set")
    return redirect(safe_next(request))


@require_http_methods(["GET", "POST"])
def password_reset(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.password_reset_send(email=form.cleaned_data["email"], request=request)
        except StudioError as exc:
            _refuse(form, exc)
        else:
            return _inbox(
                request, email=form.cleaned_data["email"], what="a link to choose a new password"
            )
    return render(request, "portal/accounts/password_reset.html", {"form": form})


@require_http_methods(["GET", "POST"])
@portal_login_required
def password_set(request):
    account = request.portal_account
    needs_current = accounts.password_needs_current(request=request, account=account)
    form = PasswordSetForm(request.POST or None)
    if not needs_current:
        del form.fields["current"]
    if request.method == "POST" and form.is_valid():
        try:
            accounts.password_set(
                request=request,
                account=account,
                password=form.cleaned_data["password"],
                password_again=form.cleaned_data["password_again"],
                current=form.cleaned_data.get("current", ""),
            )
        except StudioError as exc:
            _refuse(form, exc)
        else:
            messages.success(request, PASSWORD_SAVED)
            return redirect("portal:home")
    return render(
        request,
        "portal/accounts/password_set.html",
        {"form": form, "first": not account.user.has_usable_password()},
    )


@require_http_methods(["GET", "POST"])
def sign_out(request):
    """GET asks (a link must not sign anyone out); POST signs out."""
    if request.method == "POST":
        accounts.portal_sign_out(request=request)
        messages.info(request, SIGNED_OUT)
        return redirect("portal:sign_in")
    return render(
        request,
        "portal/accounts/sign_out.html",
        {"signed_in": portal_account_of(request.user) is not None},
    )
