"""Refusals a person can read: a page in the back office's own look that says what was refused,
why, and where to go instead — for a missing permission (403), something that is not in this
studio (404) and a write to a read-only studio (402). Requests that are not a browser's (the
calendar's fetch calls, downloads) get the same sentence as plain text."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from studio.services.readonly import portal_read_only_message, read_only_message, renew_url


def _wants_html(request) -> bool:
    accept = request.headers.get("Accept", "")
    return "text/html" in accept or not accept


def _role_names(user) -> str:
    if not getattr(user, "is_authenticated", False):
        return ""
    return ", ".join(user.groups.order_by("name").values_list("name", flat=True))


def _back_office_site(request):
    """The admin site serving this host's /admin/ (views never import the admin package):
    Django marks each admin view with the site it belongs to."""
    try:
        match = resolve("/admin/", urlconf=getattr(request, "urlconf", None))
    except Resolver404:
        return None
    return getattr(match.func, "admin_site", None)


def refusal_page(request, *, status: int, title: str, reason: str, links: list) -> HttpResponse:
    """`links` are (label, url) pairs, the first one the way forward."""
    if not _wants_html(request):
        return HttpResponse(reason, status=status, content_type="text/plain; charset=utf-8")
    site = _back_office_site(request)
    in_back_office = (
        site is not None
        and request.path.startswith("/admin/")
        and getattr(request.user, "is_staff", False)
    )
    context = {
        "title": title,
        "reason": reason,
        "links": links,
        "status": status,
        "in_back_office": in_back_office,
    }
    if in_back_office:
        context.update(site.each_context(request))
    response = TemplateResponse(request, "studio/refused.html", context, status=status)
    return response.render()


def forbidden(request, exception=None):
    roles = _role_names(request.user)
    if roles:
        reason = _(
            "Your role (%(roles)s) does not include this page or action. Nothing was changed. "
            "If you need it, ask the studio's owner to change your role."
        ) % {"roles": roles}
    else:
        reason = _(
            "Your account has no role in this studio yet, so it cannot open this page. Nothing "
            "was changed. Ask the studio's owner to give you a role."
        )
    return refusal_page(
        request,
        status=403,
        title=_("You can't open this page"),
        reason=reason,
        links=[(_("Back to Today"), reverse("admin:index"))],
    )


def not_found(request, exception=None):
    if request.path.startswith("/admin/"):
        reason = _(
            "There is nothing at this address in this studio: it may have been deleted, or the "
            "link belongs to another studio."
        )
        links = [(_("Back to Today"), reverse("admin:index"))]
    else:
        reason = _("There is nothing at this address.")
        links = [(_("Go to the studio's page"), "/")]
    return refusal_page(request, status=404, title=_("Page not found"), reason=reason, links=links)


def read_only(request):
    if not request.path.startswith("/admin/"):
        return _portal_read_only(request)
    return refusal_page(
        request,
        status=402,
        title=_("This studio is read-only"),
        reason=read_only_message(),
        links=[(_("Renew the subscription"), renew_url()), (_("Back to Today"), "/admin/")],
    )


def _portal_read_only(request):
    """A client of a read-only studio meets the refusal in the portal's own look."""
    reason = portal_read_only_message()
    if not _wants_html(request):
        return HttpResponse(reason, status=402, content_type="text/plain; charset=utf-8")
    return TemplateResponse(
        request, "portal/read_only.html", {"reason": reason}, status=402
    ).render()
