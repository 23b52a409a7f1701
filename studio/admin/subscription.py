"""Settings → Subscription: the studio's subscription to the platform, and its owner's actions.

The page shows the studio's state in words, its use of the plan's limits, the plans with their
prices (and, for each, what would stop the studio moving to it), and the owner's actions: the
card form (the portal's card flow: a SetupIntent confirmed by Stripe.js, then the server
subscribes), change of plan, cancel at the period's end and resume, and Stripe's Customer
Portal when real keys are set. Other staff see the same page without the actions.

Only the current schema's studio is ever shown or changed; a plan is named by its slug among
the plans on sale, and nothing else the request carries names a row. A read-only studio can
still post here (the read-only middleware lets this path through): paying must stay possible.

`subscription_banner` is the line every back-office page shows when the trial ends within
three days, payment is overdue, or the studio is read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from siteconf import stripe_gateway
from siteconf.tenancy.models import Plan, PlanPrice, Studio, SubscriptionStatus
from siteconf.tenancy.services import subscriptions
from studio.money import money_format
from studio.services.errors import StudioError
from studio.services.plan_limits import plan_fit, plan_usage
from studio.services.staff import staff_is_owner

Status = SubscriptionStatus
BANNER_TRIAL_DAYS = 3


def _studio() -> Studio:
    return Studio.objects.select_related("plan", "price").get(schema_name=connection.schema_name)


def _day(value) -> str:
    return f"{timezone.localtime(value):%-d %b %Y}" if value else ""


def _days_left(value) -> int:
    return max(0, (timezone.localtime(value).date() - timezone.localdate()).days)


def _grace_end(studio: Studio):
    from siteconf.tenancy.services.billing import grace_ends_at

    return grace_ends_at(studio)


@dataclass(frozen=True)
class State:
    """The studio's subscription as the page and the banner say it."""

    key: str  # trialing, active, cancelling, past_due, read_only
    label: str
    detail: str
    tone: str  # green, orange, red, neutral


def subscription_state(studio: Studio) -> State:
    status = studio.subscription_status
    if status == Status.TRIALING:
        if not studio.trial_ends_at:
            return State("trialing", "Free trial", "", "neutral")
        left = _days_left(studio.trial_ends_at)
        days = "ends today" if left == 0 else f"{left} day{'s' if left != 1 else ''} left"
        return State(
            "trialing",
            "Free trial",
            f"ends {_day(studio.trial_ends_at)}, {days}",
            "orange"
            if left <= BANNER_TRIAL_DAYS and not studio.stripe_subscription_id
            else "green",
        )
    if status == Status.ACTIVE:
        if studio.cancel_at_period_end:
            return State(
                "cancelling", "Active", f"ends {_day(studio.current_period_end)}", "orange"
            )
        renews = f"renews {_day(studio.current_period_end)}" if studio.current_period_end else ""
        return State("active", "Active", renews, "green")
    if status == Status.PAST_DUE:
        since = _day(studio.past_due_since)
        grace = _grace_end(studio)
        detail = f"since {since}" if since else ""
        if grace:
            detail += f" — read-only on {_day(grace)}"
        return State("past_due", "Payment overdue", detail.strip(), "red")
    since = f"since {_day(studio.read_only_since)}" if studio.read_only_since else ""
    return State("read_only", "Read-only", since, "red")


def subscription_banner(request) -> dict | None:
    """The line above every back-office page, or None: the trial ends within three days (with
    no card yet), payment is overdue (with the day the studio turns read-only), or the studio
    is read-only."""
    studio = getattr(request, "tenant", None)
    if not isinstance(studio, Studio) or studio.kind != Studio.Kind.STUDIO:
        return None
    if not getattr(request.user, "is_staff", False):
        return None
    status = studio.subscription_status
    link = reverse("admin:subscription")
    if status == Status.TRIALING:
        ends = studio.trial_ends_at
        soon = ends and ends - timezone.now() <= timedelta(days=BANNER_TRIAL_DAYS)
        if not soon or studio.stripe_subscription_id:
            return None
        left = _days_left(ends)
        when = "today" if left == 0 else ("tomorrow" if left == 1 else f"in {left} days")
        return {
            "tone": "orange",
            "text": f"Your free trial ends {when} ({_day(ends)}). Subscribe to keep working "
            "without a break.",
            "link": link,
            "action": "Subscribe",
        }
    if status == Status.PAST_DUE:
        grace = _grace_end(studio)
        until = f" On {_day(grace)} the studio turns read-only." if grace else ""
        return {
            "tone": "red",
            "text": f"Payment is overdue since {_day(studio.past_due_since)}.{until}",
            "link": link,
            "action": "Pay now",
        }
    if status == Status.READ_ONLY:
        return {
            "tone": "red",
            "text": "This studio is read-only: everything can be seen and exported, but "
            "nothing can change until the subscription is paid.",
            "link": link,
            "action": "Subscribe",
        }
    return None


# --- the page ------------------------------------------------------------------------------


def _price_text(amount, currency: str) -> str:
    return money_format(amount, currency, drop_zero_fraction=True)


def _plans(studio: Studio, *, owner: bool) -> list[dict]:
    rows = []
    current = {
        (price.plan_id, price.interval): price
        for price in PlanPrice.objects.filter(is_current=True)
    }
    for plan in Plan.objects.public():
        monthly = current.get((plan.pk, PlanPrice.Interval.MONTH))
        yearly = current.get((plan.pk, PlanPrice.Interval.YEAR))
        rows.append(
            {
                "plan": plan,
                "current": plan.pk == studio.plan_id,
                "monthly": _price_text(
                    monthly.amount if monthly else plan.monthly_price, plan.currency
                ),
                "yearly": _price_text(yearly.amount, plan.currency) if yearly else "",
                "has_monthly": monthly is not None,
                "has_yearly": yearly is not None,
                # What would stop the move, said before the owner tries (owners only: the
                # counts cost a few queries and only an owner can act on them).
                "problems": plan_fit(plan=plan, studio=studio)
                if owner and plan.pk != studio.plan_id
                else [],
            }
        )
    return rows


def _post(request, studio: Studio):
    action = request.POST.get("do", "")
    plan = Plan.objects.public().filter(slug=request.POST.get("plan", "")).first()
    interval = request.POST.get("interval", PlanPrice.Interval.MONTH)
    here = reverse("admin:subscription")
    if action == "subscribe":
        # Posted by the card form's script, which reads a JSON answer.
        try:
            subscriptions.subscription_subscribe(
                studio=studio,
                plan=plan,
                interval=interval,
                setup_intent=request.POST.get("setup_intent", ""),
                token=request.POST.get("card_token", ""),
                by=request.user,
            )
        except StudioError as exc:
            return JsonResponse({"ok": False, "message": exc.message}, status=409)
        messages.success(request, _("Thank you: the studio is subscribed."))
        return JsonResponse({"ok": True, "next": here})
    try:
        if action == "change":
            subscriptions.subscription_change(
                studio=studio, plan=plan, interval=interval, by=request.user
            )
            messages.success(request, _("The plan is changed."))
        elif action == "cancel":
            subscriptions.subscription_cancel(studio=studio, by=request.user)
            messages.success(request, _("The subscription will end when the paid period ends."))
        elif action == "resume":
            subscriptions.subscription_resume(studio=studio, by=request.user)
            messages.success(request, _("The subscription continues."))
        elif action == "portal":
            url = subscriptions.subscription_portal_url(
                studio=studio, return_url=request.build_absolute_uri(here), by=request.user
            )
            if url:
                return HttpResponseRedirect(url)
            messages.error(request, _("Stripe's billing portal is not available here."))
        else:
            messages.error(request, _("Choose one of the buttons on this page."))
    except StudioError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(here)


def _allow_stripe_js(response):
    """Stripe.js and its card frames on this page only (the rest of the back office keeps the
    stricter policy), as the client portal allows them for its card form."""
    allowance = getattr(settings, "CONTENT_SECURITY_POLICY_PORTAL", {}).get("update", {})
    response._csp_update = allowance
    response._csp_update_ro = allowance
    return response


@require_http_methods(["GET", "POST"])
def subscription_view(request, *, admin_site: AdminSite):
    studio = _studio()
    if request.method == "POST":
        return _post(request, studio)
    owner = staff_is_owner(request.user)
    running = bool(studio.stripe_subscription_id) and studio.subscription_status in (
        subscriptions.RUNNING
    )
    card = {}
    card_error = ""
    if owner and not running and stripe_gateway.enabled():
        try:
            secret = subscriptions.subscription_card_start(studio=studio, by=request.user)
        except StudioError as exc:
            card_error = exc.message
        else:
            card = {
                "secret": secret,
                "token": subscriptions.subscription_card_token(studio=studio, client_secret=secret),
                "key": stripe_gateway.publishable_key(),
                "js": stripe_gateway.js_url(),
            }
    in_trial = studio.subscription_status == Status.TRIALING and studio.trial_ends_at
    context = {
        **admin_site.each_context(request),
        "title": _("Subscription"),
        "studio": studio,
        "state": subscription_state(studio),
        "usage": plan_usage(studio.plan),
        "plans": _plans(studio, owner=owner),
        "owner": owner,
        "running": running,
        "configured": stripe_gateway.enabled(),
        "card": card,
        "card_error": card_error,
        "first_charge": _day(studio.trial_ends_at)
        if in_trial and studio.trial_ends_at > timezone.now()
        else "",
        "interval": studio.price.interval if studio.price else PlanPrice.Interval.MONTH,
        "portal": running and owner and not stripe_gateway.offline(),
    }
    response = TemplateResponse(request, "studio/admin/subscription.html", context)
    return _allow_stripe_js(response) if card else response
