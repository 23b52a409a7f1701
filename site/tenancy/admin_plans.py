"""Plans in the platform admin: prices, limits, features, and their prices on Stripe.

An operator edits a plan's amounts here, then syncs them to Stripe (a new amount is a new
Stripe price; nobody moves) and, when they choose to, moves the studios on an older price to
the current one. Both are confirmation pages that say what will happen before it does.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display

from siteconf.admin_services import ServiceSavesMixin
from siteconf.tenancy.admin import platform_admin_site
from siteconf.tenancy.models import Plan, PlanPrice
from siteconf.tenancy.services.plan_prices import (
    plan_price_movers,
    plan_price_subscribers_move,
    plan_prices_missing,
    plan_stripe_sync,
)
from studio.admin import actions as ui
from studio.money import money_format


class PlanPriceInline(TabularInline):
    """Every price the plan was sold at on Stripe. Read-only: prices are made by a sync."""

    model = PlanPrice
    extra = 0
    can_delete = False
    fields = ["interval", "price", "current", "stripe_price_id", "created_at", "studios_on_it"]
    readonly_fields = fields
    show_title = False  # each row is already its interval and amount
    verbose_name = _("Stripe price")
    verbose_name_plural = _("Stripe prices (new subscriptions get the current one)")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(studio_count=Count("studios"))
            .order_by("interval", "-is_current", "-created_at")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @display(description=_("Amount"))
    def price(self, obj: PlanPrice):
        return money_format(obj.amount, obj.currency)

    @display(description=_("Current"), boolean=True)
    def current(self, obj: PlanPrice):
        return obj.is_current

    @display(description=_("Studios on it"))
    def studios_on_it(self, obj: PlanPrice):
        return getattr(obj, "studio_count", 0)


class MoveForm(forms.Form):
    interval = forms.ChoiceField(label=_("Billing interval"), widget=ui.SELECT)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interval"].choices = choices


@admin.register(Plan, site=platform_admin_site)
class PlanAdmin(ServiceSavesMixin, ModelAdmin):
    """Prices, limits and features of the plans: the pricing page and the limits read them."""

    list_display = [
        "name",
        "monthly_price",
        "yearly_price",
        "currency",
        "max_rooms",
        "max_sessions_per_month",
        "max_staff",
        "trial_days",
        "card_payments",
        "platform_fee_percent",
        "is_public",
        "order",
    ]
    list_editable = ["monthly_price", "is_public", "order"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["stripe_product_id"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "tagline", "currency"]}),
        (
            _("Prices (a change takes effect on Stripe when the plan is synced)"),
            {"fields": ["monthly_price", "yearly_price", "stripe_product_id"]},
        ),
        (
            _("Limits (empty: unlimited)"),
            {"fields": ["max_rooms", "max_sessions_per_month", "max_staff"]},
        ),
        (
            _("Features"),
            {
                "fields": [
                    "card_payments",
                    "platform_fee_percent",
                    "white_label",
                    "custom_domains",
                    "audit_export",
                ]
            },
        ),
        (
            _("Offer"),
            {
                "fields": [
                    "features",
                    "trial_days",
                    "grace_days",
                    "is_public",
                    "highlighted",
                    "order",
                ]
            },
        ),
    ]
    inlines = [PlanPriceInline]
    actions_detail = ["sync_prices", "move_subscribers"]

    def response_change(self, request, obj):
        # A saved amount is not yet a Stripe price: say so where the operator is looking.
        if obj.prices.exists() and plan_prices_missing(obj):
            messages.warning(
                request,
                _(
                    "%(plan)s's new amounts are not on Stripe yet: new subscriptions still get "
                    "the current prices until you use “Sync prices to Stripe”."
                )
                % {"plan": obj.name},
            )
        return super().response_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A plan studios are on stays; hide it from the pricing page instead.
        return super().has_delete_permission(request, obj) and (
            obj is None or not obj.studios.exists()
        )

    @action(description=_("Sync prices to Stripe"), url_path="sync-prices", permissions=["change"])
    def sync_prices(self, request, object_id):
        plan = get_object_or_404(Plan, pk=object_id)
        return ui.action_page(
            self,
            request,
            plan,
            verb=_("Sync prices to Stripe"),
            summary=_sync_summary(plan),
            warning=_(
                "Studios already subscribed keep the price they have. Move them afterwards, "
                "when you choose to."
            ),
            run=lambda data: plan_stripe_sync(plan=plan, by=request.user),
        )

    @action(
        description=_("Move subscribers to the current price"),
        url_path="move-subscribers",
        permissions=["change"],
    )
    def move_subscribers(self, request, object_id):
        plan = get_object_or_404(Plan, pk=object_id)
        counts = {
            interval: plan_price_movers(plan=plan, interval=interval).count()
            for interval in PlanPrice.Interval.values
        }
        current = {p.interval: p for p in plan.prices.filter(is_current=True)}
        choices = [
            (interval, f"{label}: {_moving(counts[interval])}")
            for interval, label in PlanPrice.Interval.choices
        ]
        summary = [
            (
                _("%(interval)s: %(moving)s to %(price)s.")
                if counts[interval]
                else _("%(interval)s: no studio is on an older price (current: %(price)s).")
            )
            % {
                "interval": label,
                "moving": _moving(counts[interval]),
                "price": _price_text(current.get(interval)),
            }
            for interval, label in PlanPrice.Interval.choices
        ]
        return ui.action_page(
            self,
            request,
            plan,
            verb=_("Move subscribers to the current price"),
            form_class=lambda *args, **kwargs: MoveForm(*args, choices=choices, **kwargs),
            initial={"interval": max(counts, key=counts.get)},
            summary=summary,
            warning=_(
                "Each studio pays the new price from its next renewal (no proration), and "
                "its subscription history records the move."
            ),
            run=lambda data: plan_price_subscribers_move(
                plan=plan, interval=data["interval"], by=request.user
            ),
        )


def _moving(count: int) -> str:
    if count == 0:
        return str(_("no studio moves"))
    if count == 1:
        return str(_("1 studio moves"))
    return str(_("%(count)d studios move") % {"count": count})


def _price_text(price: PlanPrice | None) -> str:
    if price is None:
        return str(_("no current price yet (sync first)"))
    return f"{money_format(price.amount, price.currency)} ({price.stripe_price_id})"


def _sync_summary(plan: Plan) -> list[str]:
    """What a sync would do, interval by interval, said before it does it."""
    lines = []
    current = {p.interval: p for p in plan.prices.filter(is_current=True)}
    wanted = [(PlanPrice.Interval.MONTH, plan.monthly_price)]
    if plan.yearly_price is not None:
        wanted.append((PlanPrice.Interval.YEAR, plan.yearly_price))
    if not plan.stripe_product_id:
        lines.append(str(_("A Stripe product is made for %(plan)s.") % {"plan": plan.name}))
    for interval, amount in wanted:
        price = current.get(interval)
        label = PlanPrice.Interval(interval).label
        if price is not None and price.amount == amount and price.currency == plan.currency:
            lines.append(
                str(_("%(interval)s: %(price)s is already on Stripe, unchanged."))
                % {"interval": label, "price": money_format(amount, plan.currency)}
            )
        else:
            lines.append(
                str(_("%(interval)s: a new Stripe price of %(price)s becomes current."))
                % {"interval": label, "price": money_format(amount, plan.currency)}
            )
    if plan.yearly_price is None and PlanPrice.Interval.YEAR in current:
        lines.append(str(_("Yearly: the current price stops being offered to new studios.")))
    return lines
