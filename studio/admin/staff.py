"""Staff accounts and roles of one studio (users and groups in the studio's schema)."""

from __future__ import annotations

import copy
from contextvars import ContextVar

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action, display
from unfold.forms import AdminPasswordChangeForm, UserChangeForm
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from studio.admin import actions as ui
from studio.admin.base import AuditedModelAdmin, ServiceSavesMixin, m2m_values, model_values
from studio.admin.money import MoneyVisibilityMixin
from studio.admin.site import studio_admin_site
from studio.admin.transfer import TransferMixin
from studio.models import Engineer
from studio.resources import EngineerResource
from studio.roles import studio_permissions
from studio.services.staff import staff_password_set, staff_update
from studio.services.staff_links import staff_invite, staff_reset_link_send
from studio.services.two_factor import two_factor_is_on

# Who is setting a password on the password page (Django's view builds the form itself).
_SETTING_PASSWORD: ContextVar = ContextVar("setting_password", default=None)


class StaffPasswordForm(AdminPasswordChangeForm):
    """The password page of an account: the password is set by the staff service."""

    def save(self, commit=True):
        if self.cleaned_data.get("usable_password", "true") == "false":
            password = None
        else:
            password = self.cleaned_data["password1"]
        return staff_password_set(user=self.user, password=password, by=_SETTING_PASSWORD.get())


class StaffChangeForm(UserChangeForm):
    """The account page: Django's "change the password using this form" link is not how
    passwords change here (nobody sets another person's), so the field says how they do."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].help_text = _(
                "Passwords are stored scrambled, so nobody can read one. Each person changes "
                "their own from the account menu; someone who forgot theirs gets a link from "
                "“Send a password reset link” above."
            )


class StaffInviteForm(forms.ModelForm):
    """A new team member: who they are and their roles. They choose their own password from
    the invitation e-mail."""

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "groups"]
        labels = {"email": _("E-mail (their login)"), "groups": _("Roles")}
        help_texts = {
            "email": _(
                "They get an e-mail with a link to choose their own password; the link works "
                "once, for three days."
            ),
            "groups": _("What they may see and do. Only an owner gives roles."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean_email(self) -> str:
        return (self.cleaned_data.get("email") or "").strip().lower()


@admin.register(User, site=studio_admin_site)
class StaffUserAdmin(ui.TwoFactorResetAction, ServiceSavesMixin, BaseUserAdmin, ModelAdmin):
    form = StaffChangeForm
    add_form = StaffInviteForm
    add_fieldsets = [(None, {"fields": ["email", "first_name", "last_name", "groups"]})]
    # Django's user add page says "after you've created a user, you'll be able to edit more
    # user options", which is not what an invitation is: the plain form instead.
    add_form_template = "admin/change_form.html"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            # A handful of roles: tick boxes read better than a two-list picker, and without
            # the add/change-role links beside them (roles are edited under Staff → Roles).
            kwargs["widget"] = UnfoldAdminCheckboxSelectMultipleWidget
            return db_field.formfield(**kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    change_password_form = StaffPasswordForm
    actions_detail = ["send_reset_link", "reset_two_factor"]
    # A line above the list pointing to one's own two-factor page.
    list_before_template = "two_factor/staff_list_note.html"

    # The all-permissions flag and one-by-one permissions are not studio tools: access is the
    # account's roles, which only an owner changes (the staff service checks).
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Access"), {"fields": ["is_active", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def save_record(self, request, obj, form, change):
        if change:
            return staff_update(
                user=obj,
                by=request.user,
                m2m=m2m_values(form, obj),
                **model_values(form, obj, changed_only=True),
            )
        data = form.cleaned_data
        user = staff_invite(
            email=data["email"],
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            roles=data.get("groups") or [],
            by=request.user,
        )
        messages.success(
            request,
            _("An invitation with a link to choose a password was sent to %(email)s.")
            % {"email": user.email},
        )
        return user

    def has_send_reset_link_permission(self, request, object_id=None):
        return request.user.has_perm("auth.change_user")

    @action(
        description=_("Send a password reset link"),
        url_path="reset-link",
        permissions=["send_reset_link"],
    )
    def send_reset_link(self, request, object_id):
        user = get_object_or_404(User, pk=object_id)
        return ui.action_page(
            self,
            request,
            user,
            verb=_("Send the link"),
            summary=[
                _("%(email)s gets an e-mail with a link to choose a new password.")
                % {"email": user.email or _("(no e-mail address)")}
            ],
            warning=_("Nobody sets another person's password: the link is theirs alone."),
            run=lambda data: staff_reset_link_send(user=user, by=request.user),
            permission="send_reset_link",
        )

    two_factor_reset_after = _(
        "they set up a new app at their next sign-in (or sign in with their password alone if "
        "the studio does not require two factors)."
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.pk != request.user.pk and "password" in form.base_fields:
            # A copy: the declared field is shared by every form class built from this one.
            form.base_fields["password"] = copy.deepcopy(form.base_fields["password"])
            form.base_fields["password"].help_text = _(
                "Only they can set it: Send a password reset link (top right) e-mails them a "
                "link to choose a new one."
            )
        return form

    def user_change_password(self, request, id, form_url=""):
        if str(request.user.pk) != str(id):
            raise PermissionDenied(
                _("Staff set their own password; someone else's is reset by an e-mailed link.")
            )
        token = _SETTING_PASSWORD.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _SETTING_PASSWORD.reset(token)

    list_display = [
        "username",
        "full_name",
        "email",
        "roles",
        "active_badge",
        "two_factor_badge",
        "last_login",
    ]
    list_filter = ["is_active", "groups"]
    search_fields = ["username", "email", "first_name", "last_name"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @display(description=_("Name"))
    def full_name(self, obj: User) -> str:
        return obj.get_full_name() or "—"

    @display(description=_("Roles"))
    def roles(self, obj: User) -> str:
        return ", ".join(group.name for group in obj.groups.all()) or "—"

    @display(description=_("Two-factor"), label={True: "success", False: "warning"})
    def two_factor_badge(self, obj: User):
        on = two_factor_is_on(obj)
        return on, _("On") if on else _("Off")

    @display(description=_("Active"), label={True: "success", False: "danger"})
    def active_badge(self, obj: User):
        return obj.is_active, _("Active") if obj.is_active else _("Disabled")


@admin.register(Group, site=studio_admin_site)
class RoleAdmin(ServiceSavesMixin, BaseGroupAdmin, ModelAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions":
            # The schema also lists the platform's and the CMS's permissions: a role is made of
            # the studio's only (an owner holds those, and nothing else can be handed out).
            kwargs["queryset"] = studio_permissions()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Engineer, site=studio_admin_site)
class EngineerAdmin(TransferMixin, MoneyVisibilityMixin, AuditedModelAdmin):
    resource_classes = [EngineerResource]
    list_display = ["name", "specialties", "hourly_rate", "user", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "specialties"]
    autocomplete_fields = ["user"]
    money_fields = ("hourly_rate",)
