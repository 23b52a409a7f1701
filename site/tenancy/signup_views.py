"""The sign-up pages of the platform domain: the form, the live sub-domain check, the demo."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from siteconf.tenancy.models import Plan, Studio
from siteconf.tenancy.services.provisioning import (
    ProvisioningError,
    slug_is_available,
    slug_validate,
    studio_domain_for,
)
from siteconf.tenancy.services.signup import SLUG_TAKEN_HINT, studio_sign_up
from studio.services.lockouts import client_address


class SignUpForm(forms.Form):
    studio_name = forms.CharField(label="Studio name", max_length=100)
    slug = forms.CharField(label="Sub-domain", max_length=40)
    owner_name = forms.CharField(label="Your name", max_length=150)
    owner_email = forms.EmailField(label="E-mail")
    owner_password = forms.CharField(
        label="Password", widget=forms.PasswordInput(render_value=True), strip=False
    )
    plan = forms.CharField(widget=forms.HiddenInput)
    accepted_terms = forms.BooleanField(required=False)
    # Left empty by people; bots fill every field they find.
    website = forms.CharField(required=False)

    # Service field names to form fields; the plan is a hidden input, so its errors go on top.
    FIELD_OF = {"name": "studio_name", "plan": None}


def signup(request):
    plans = list(Plan.objects.public())
    chosen = request.GET.get("plan") or request.POST.get("plan") or ""
    if chosen not in {p.slug for p in plans}:
        chosen = next((p.slug for p in plans if p.highlighted), plans[0].slug if plans else "")
    form = SignUpForm(request.POST or None, initial={"plan": chosen})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = studio_sign_up(
                studio_name=data["studio_name"],
                slug=data["slug"],
                owner_name=data["owner_name"],
                email=data["owner_email"],
                password=data["owner_password"],
                plan_slug=data["plan"],
                accepted_terms=data["accepted_terms"],
                address=client_address(request),
                honeypot=data["website"],
            )
        except ProvisioningError as exc:
            field = SignUpForm.FIELD_OF.get(exc.field, exc.field) if exc.field else None
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            return HttpResponseRedirect(result.login_url)
    status = 400 if request.method == "POST" else 200
    plan = next((p for p in plans if p.slug == chosen), None)
    context = {"form": form, "plans": plans, "plan": plan, "suffix": studio_domain_for("")}
    return render(request, "signup/form.html", context, status=status)


@require_GET
def demo(request):
    """ "Try the demo": the demo studio's back office, signed in as its read-only visitor."""
    studio = Studio.objects.studios().filter(slug=settings.DEMO_STUDIO).first()
    if studio is None:
        raise Http404("There is no demo studio on this platform.")
    return HttpResponseRedirect(studio.url_for("/admin/demo/"))


@require_GET
def signup_check(request):
    """Is this sub-domain free? Answers the form as the visitor types."""
    slug = request.GET.get("slug", "").strip()
    suggestion = slugify(request.GET.get("name", ""))[:40].strip("-")
    try:
        slug_validate(slug)
    except ProvisioningError as exc:
        return JsonResponse({"available": False, "message": exc.message, "suggestion": suggestion})
    if not slug_is_available(slug):
        return JsonResponse(
            {
                "available": False,
                "message": SLUG_TAKEN_HINT.format(slug=slug),
                "suggestion": suggestion,
            }
        )
    return JsonResponse(
        {"available": True, "message": f"{studio_domain_for(slug)} is free.", "domain": slug}
    )
