"""The platform operators' admin (public schema only): studios, domains, operators, tasks.
Plans and their Stripe prices are in `admin_plans`."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from django.db.models.expressions import RawSQL
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_q.models import Failure, Schedule, Success
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from unfold.sites import UnfoldAdminSite

from siteconf.admin_services import ServiceSavesMixin, model_values
from siteconf.tenancy.models import Domain, Studio, SubscriptionChange
from siteconf.tenancy.services.provisioning import studio_provision
from siteconf.tenancy.services.studios import studio_update
from studio.admin import actions as ui
from studio.money import money_format
from studio.views.two_factor import studio_owner_reset_page, two_factor_urls


class PlatformAdminSite(UnfoldAdminSite):
    settings_name = "UNFOLD_PLATFORM"
    site_header = site_title = "Recording Studio Manager"
    index_title = _("Platform")
    index_template = "tenancy/admin/index.html"

    def get_urls(self):
        return [*two_factor_urls(self), *super().get_urls()]


platform_admin_site = PlatformAdminSite(name="platform_admin")

_SCHEMA_PRESENT_SQL = (
    "EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = tenancy_studio.schema_name)"
)


class StudioProvisionForm(forms.ModelForm):
    """Adding a studio from the platform admin goes through the provisioning service."""

    owner_name = forms.CharField(label=_("Owner's name"), max_length=150, required=False)
    owner_email = forms.EmailField(label=_("Owner's e-mail (their login)"))
    owner_password = forms.CharField(
        label=_("Owner's first password"), widget=forms.PasswordInput(render_value=False)
    )

    class Meta:
        model = Studio
        fields = ["name", "slug"]

    def _post_clean(self):
        # Skip ModelForm's instance validation: the provisioning service validates and
        # creates in one go, when the admin saves.
        pass


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ["domain", "is_primary"]


class SubscriptionHistoryInline(TabularInline):
    """Every state the studio's subscription was in, newest first: what the dashboard's
    figures are computed from. Written by the billing lifecycle only."""

    model = SubscriptionChange
    extra = 0
    can_delete = False
    fields = ["at", "status", "plan", "interval", "monthly_revenue", "source", "note"]
    readonly_fields = fields
    show_title = False
    verbose_name = _("subscription change")
    verbose_name_plural = _("Subscription history (newest first)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plan").order_by("-at", "-pk")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @display(description=_("MRR"))
    def monthly_revenue(self, obj: SubscriptionChange):
        return money_format(obj.mrr, obj.currency)


# What the platform's Stripe account says of the studio: written by the billing lifecycle.
BILLING_FIELDS = [
    "price",
    "card_label",
    "current_period_end",
    "cancel_at_period_end",
    "past_due_since",
    "read_only_since",
    "stripe_customer_id",
    "stripe_subscription_id",
    "billing_synced_at",
]


@admin.register(Studio, site=platform_admin_site)
class StudioAdmin(ServiceSavesMixin, ModelAdmin):
    list_display = [
        "name",
        "studio_domain",
        "kind_badge",
        "status_badge",
        "plan",
        "subscription_status",
        "provisioning",
        "schema",
    ]
    list_filter = ["kind", "status", "plan", "subscription_status", "provision_method"]
    search_fields = ["name", "slug", "owner_email", "domains__domain"]
    readonly_fields = [
        "kind",
        "slug",
        "schema_name",
        "owner_email",
        "created_at",
        "provisioned_at",
        "provision_method",
        "provision_seconds",
        *BILLING_FIELDS,
    ]
    inlines = [DomainInline, SubscriptionHistoryInline]
    actions_detail = ["reset_owner_two_factor"]

    @action(description=_("Reset the owner's two-factor sign-in"), url_path="reset-two-factor")
    def reset_owner_two_factor(self, request, object_id):
        # The service refuses anyone but an operator; the page only asks to confirm.
        studio = self.get_object(request, object_id)
        return studio_owner_reset_page(request, modeladmin=self, studio=studio)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StudioProvisionForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (_("Studio"), {"fields": ["name", "slug"]}),
                (_("Owner account"), {"fields": ["owner_name", "owner_email", "owner_password"]}),
            ]
        return [
            (_("Studio"), {"fields": ["name", "status", "kind", "slug", "owner_email"]}),
            (_("Subscription"), {"fields": ["plan", "subscription_status", "trial_ends_at"]}),
            (_("Billing (from Stripe, read-only)"), {"fields": BILLING_FIELDS}),
            (
                _("Provisioning"),
                {
                    "fields": [
                        "schema_name",
                        "created_at",
                        "provisioned_at",
                        "provision_method",
                        "provision_seconds",
                    ]
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_record(self, request, obj, form, change):
        if change:  # name, status, plan, subscription state, trial end
            return studio_update(
                studio=obj, by=request.user, **model_values(form, obj, changed_only=True)
            )
        data = form.cleaned_data
        return studio_provision(
            name=data.get("name", ""),
            slug=data.get("slug") or "",
            owner_email=data.get("owner_email", ""),
            owner_password=data.get("owner_password", ""),
            owner_name=data.get("owner_name", ""),
            by=request.user,
        )

    def has_delete_permission(self, request, obj=None):
        # Studios are suspended, never deleted from the admin: their data is the customer's.
        return False

    def get_queryset(self, request):
        # One query tells, for every row, whether its schema exists (no per-row lookups).
        return (
            super()
            .get_queryset(request)
            .prefetch_related("domains")
            .annotate(schema_present=RawSQL(_SCHEMA_PRESENT_SQL, []))
        )

    @display(description=_("Domain"))
    def studio_domain(self, obj: Studio):
        domains = [d for d in obj.domains.all() if d.is_primary]
        if not domains:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.url_for("/admin/"), domains[0].domain)

    @display(
        description=_("Kind"),
        label={"studio": "info", "template": "warning", "platform": "primary"},
    )
    def kind_badge(self, obj: Studio):
        return obj.kind, obj.get_kind_display()

    @display(description=_("Status"), label={"active": "success", "suspended": "danger"})
    def status_badge(self, obj: Studio):
        return obj.status, obj.get_status_display()

    @display(description=_("Provisioning"))
    def provisioning(self, obj: Studio):
        if obj.kind == Studio.Kind.PLATFORM:
            return "—"
        if not obj.provisioned_at:
            return _("not provisioned")
        return _("%(method)s in %(seconds).2f s, %(date)s") % {
            "method": obj.get_provision_method_display(),
            "seconds": obj.provision_seconds or 0,
            "date": obj.provisioned_at.strftime("%d %b %Y"),
        }

    @display(description=_("Schema"), label={"present": "success", "missing": "danger"})
    def schema(self, obj: Studio):
        if getattr(obj, "schema_present", True):
            return "present", obj.schema_name
        return "missing", _("%(schema)s is missing") % {"schema": obj.schema_name}


@admin.register(Domain, site=platform_admin_site)
class DomainAdmin(ServiceSavesMixin, ModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    list_filter = ["is_primary"]
    search_fields = ["domain", "tenant__name"]
    autocomplete_fields = ["tenant"]


@admin.register(User, site=platform_admin_site)
class PlatformUserAdmin(ui.TwoFactorResetAction, ServiceSavesMixin, BaseUserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    actions_detail = ["reset_two_factor"]

    two_factor_reset_after = _(
        "they set up a new app at their next sign-in, before anything else opens."
    )
    two_factor_reset_warning = _(
        "For a lost phone: make sure, by a channel you trust, that it is them."
    )


@admin.register(Group, site=platform_admin_site)
class PlatformGroupAdmin(ServiceSavesMixin, BaseGroupAdmin, ModelAdmin):
    pass


@admin.register(Success, site=platform_admin_site)
class SuccessfulTaskAdmin(ModelAdmin):
    list_display = ["name", "func", "started", "stopped"]
    search_fields = ["name", "func"]
    readonly_fields = ["name", "func", "started", "stopped", "result"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False


@admin.register(Failure, site=platform_admin_site)
class FailedTaskAdmin(SuccessfulTaskAdmin):
    pass


@admin.register(Schedule, site=platform_admin_site)
class ScheduleAdmin(ModelAdmin):
    list_display = ["name", "func", "schedule_type", "next_run"]
    search_fields = ["name", "func"]


# Registered on the site above: locked sign-ins, and plans with their Stripe prices.
from siteconf.tenancy import admin_lockouts, admin_plans  # noqa: E402, F401
