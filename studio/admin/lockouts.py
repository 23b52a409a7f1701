"""Locked sign-ins: the failed attempts still counting, which of them lock a login or an
address, and the unlock actions (studio.services.lockouts.lockout_release).

The same page serves the studio's back office (its staff) and the platform admin (operators
and CMS editors, see siteconf/tenancy/admin_lockouts.py): each shows its own schema's rows.
"""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin
from unfold.decorators import display

from studio.admin.site import studio_admin_site
from studio.services.errors import StudioError
from studio.services.lockouts import (
    UNLOCK_PERMISSION,
    VIEW_PERMISSION,
    lockout_duration,
    lockout_release,
)

TITLE = _("Locked sign-ins")


def _total(field: str, since):
    attempts = (
        AccessAttempt.objects.filter(**{field: OuterRef(field)}, attempt_time__gte=since)
        .values(field)
        .annotate(total=Sum("failures_since_start"))
        .values("total")
    )
    return Coalesce(Subquery(attempts, output_field=IntegerField()), 0)


class LockedSignInAdmin(ModelAdmin):
    """Read-only: rows are written by django-axes and cleared only by the unlock actions."""

    list_display = ["login", "address", "failures", "status", "last_attempt", "user_agent"]
    list_display_links = None
    change_list_template = "sign_in/locked_sign_ins.html"
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    actions = ["unlock_logins", "unlock_addresses"]
    fields = ["username", "ip_address", "user_agent", "failures_since_start", "attempt_time"]
    readonly_fields = fields

    def get_queryset(self, request):
        # Older attempts no longer count towards anything; axes deletes them at the next try.
        since = timezone.now() - lockout_duration()
        return (
            super()
            .get_queryset(request)
            .filter(attempt_time__gte=since)
            .annotate(
                account_failures=_total("username", since),
                address_failures=_total("ip_address", since),
            )
        )

    def changelist_view(self, request, extra_context=None):
        context = {
            "title": TITLE,
            "minutes": int(lockout_duration().total_seconds() // 60),
            "account_limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": settings.SIGN_IN_ADDRESS_FAILURE_LIMIT,
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    @display(description=_("Login"), ordering="username")
    def login(self, obj):
        return obj.username or "—"

    @display(description=_("Address"), ordering="ip_address")
    def address(self, obj):
        return obj.ip_address or "—"

    @display(description=_("Failures"), ordering="failures_since_start")
    def failures(self, obj):
        return obj.failures_since_start

    @display(description=_("Last attempt"), ordering="attempt_time")
    def last_attempt(self, obj):
        return obj.attempt_time

    @display(description=_("Status"), label={"locked": "danger", "counting": "info"})
    def status(self, obj):
        if obj.account_failures >= settings.AXES_FAILURE_LIMIT:
            return "locked", _("Login locked")
        if obj.address_failures >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT:
            return "locked", _("Address locked")
        return "counting", _("Counting, not locked")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(VIEW_PERMISSION) or self.has_unlock_permission(request)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_unlock_permission(self, request):
        return request.user.has_perm(UNLOCK_PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _release(self, request, values: set[str], key: str) -> None:
        done = 0
        for value in sorted(v for v in values if v):
            try:
                lockout_release(by=request.user, **{key: value})
            except StudioError as exc:
                messages.error(request, f"{value}: {exc.message}")
            else:
                done += 1
        if done:
            if key == "login":
                text = ngettext("Unlocked %(count)d login.", "Unlocked %(count)d logins.", done)
            else:
                text = ngettext(
                    "Unlocked %(count)d address.", "Unlocked %(count)d addresses.", done
                )
            messages.success(request, text % {"count": done})

    @admin.action(description=_("Unlock the selected logins"), permissions=["unlock"])
    def unlock_logins(self, request, queryset):
        self._release(request, set(queryset.values_list("username", flat=True)), "login")

    @admin.action(description=_("Unlock the selected addresses"), permissions=["unlock"])
    def unlock_addresses(self, request, queryset):
        self._release(request, set(queryset.values_list("ip_address", flat=True)), "address")


studio_admin_site.register(AccessAttempt, LockedSignInAdmin)
