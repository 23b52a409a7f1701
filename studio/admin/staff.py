"""Staff accounts and roles of one studio (users and groups in the studio's schema)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from studio.admin.base import AuditedModelAdmin, AuditMixin
from studio.admin.money import MoneyVisibilityMixin
from studio.admin.site import studio_admin_site
from studio.admin.transfer import TransferMixin
from studio.models import Engineer
from studio.resources import EngineerResource
from studio.services.plan_limits import PlanLimitReached, plan_limit_check


class StaffCreationForm(UserCreationForm):
    """A new staff account takes a seat of the studio's plan."""

    def clean(self):
        data = super().clean()
        try:
            plan_limit_check("staff")
        except PlanLimitReached as exc:
            raise forms.ValidationError(exc.message) from None
        return data


@admin.register(User, site=studio_admin_site)
class StaffUserAdmin(AuditMixin, BaseUserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = StaffCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ["username", "full_name", "email", "roles", "active_badge", "last_login"]
    list_filter = ["is_active", "groups"]
    search_fields = ["username", "email", "first_name", "last_name"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @display(description=_("Name"))
    def full_name(self, obj: User) -> str:
        return obj.get_full_name() or "—"

    @display(description=_("Roles"))
    def roles(self, obj: User) -> str:
        names = [group.name for group in obj.groups.all()]
        if obj.is_superuser:
            names.insert(0, _("Owner (all permissions)"))
        return ", ".join(str(name) for name in names) or "—"

    @display(description=_("Active"), label={True: "success", False: "danger"})
    def active_badge(self, obj: User):
        return obj.is_active, _("Active") if obj.is_active else _("Disabled")


@admin.register(Group, site=studio_admin_site)
class RoleAdmin(AuditMixin, BaseGroupAdmin, ModelAdmin):
    pass


@admin.register(Engineer, site=studio_admin_site)
class EngineerAdmin(TransferMixin, MoneyVisibilityMixin, AuditedModelAdmin):
    resource_classes = [EngineerResource]
    list_display = ["name", "specialties", "hourly_rate", "user", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "specialties"]
    autocomplete_fields = ["user"]
    money_fields = ("hourly_rate",)
