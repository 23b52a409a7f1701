"""Plans' products and prices on the platform's Stripe account (localstripe here), made from the
platform admin: a sync makes a price once, a new amount makes a new price and moves nobody,
the operator moves subscribers when they choose, and a refusal writes nothing."""

from __future__ import annotations

import secrets
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from siteconf import stripe_gateway as gateway
from siteconf.tenancy.models import (
    Plan,
    PlanPrice,
    PlatformAuditEntry,
    Studio,
    SubscriptionChange,
)
from siteconf.tenancy.services.plan_prices import (
    PlanPriceError,
    plan_price_subscribers_move,
    plan_prices_ensure,
    plan_stripe_sync,
)
from tests.conftest import STUDIO_A, sign_in_verified
from tests.payments.conftest import localstripe_server, saved_card, stripe_settings  # noqa: F401

pytestmark = pytest.mark.django_db
MONTH, YEAR = PlanPrice.Interval.MONTH, PlanPrice.Interval.YEAR


@pytest.fixture
def pro() -> Plan:
    return Plan.objects.get(slug="pro")


@pytest.fixture
def operator():
    user = User.objects.create_superuser("op@platform.example", "op@platform.example", "op-Pw0rd!")
    return sign_in_verified(HttpClient(HTTP_HOST="localhost"), user)


def current(plan: Plan) -> dict[str, PlanPrice]:
    return {p.interval: p for p in PlanPrice.objects.filter(plan=plan, is_current=True)}


def reprice(plan: Plan, monthly: str) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(monthly_price=Decimal(monthly))
    plan.refresh_from_db()
    return plan


def subscribed(studio: Studio, price: PlanPrice) -> gateway.Subscription:
    """`studio` paying `price` on localstripe, as the subscribe page leaves it."""
    customer = gateway.billing_customer_create(
        email=studio.owner_email, name=studio.name, metadata={"studio_schema": studio.schema_name}
    )
    sub = gateway.billing_subscription_create(
        customer=customer,
        price=price.stripe_price_id,
        payment_method=saved_card(customer=customer),
        trial_end=None,
        metadata={"studio_schema": studio.schema_name},
        idempotency_key=secrets.token_hex(8),
    )
    Studio.objects.filter(pk=studio.pk).update(
        plan=price.plan,
        price=price,
        subscription_status="active",
        stripe_customer_id=customer,
        stripe_subscription_id=sub.id,
    )
    return sub


# --- the service -------------------------------------------------------------------------------


def test_a_sync_makes_the_product_and_both_prices_once(pro):
    made = plan_stripe_sync(plan=pro)

    pro.refresh_from_db()
    assert pro.stripe_product_id.startswith("prod_")
    assert [(p.interval, p.amount, p.currency) for p in made] == [
        (MONTH, Decimal("99.00"), "EUR"),
        (YEAR, Decimal("990.00"), "EUR"),
    ]
    yearly = gateway._client().v1.plans.retrieve(current(pro)[YEAR].stripe_price_id)
    assert (yearly.amount, yearly.interval, yearly.product) == (
        99000,
        "year",
        pro.stripe_product_id,
    )
    assert PlatformAuditEntry.objects.filter(action="plan.price_created").count() == 2
    assert PlatformAuditEntry.objects.filter(action="plan.stripe_product_created").count() == 1

    again = plan_stripe_sync(plan=pro)

    assert [p.pk for p in again] == [p.pk for p in made]
    assert PlanPrice.objects.filter(plan=pro).count() == 2
    assert PlatformAuditEntry.objects.filter(action="plan.price_created").count() == 2


def test_a_new_amount_is_a_new_price_and_moves_nobody(pro, studio_a):
    plan_stripe_sync(plan=pro)
    old = current(pro)[MONTH]
    subscribed(studio_a, old)

    plan_stripe_sync(plan=reprice(pro, "109"))

    new = current(pro)[MONTH]
    old.refresh_from_db()
    assert new.pk != old.pk and new.amount == Decimal("109.00") and not old.is_current
    assert new.stripe_price_id != old.stripe_price_id
    assert PlanPrice.objects.filter(plan=pro, interval=MONTH, is_current=True).count() == 1
    assert current(pro)[YEAR].amount == Decimal("990.00")  # the yearly price did not change
    studio_a.refresh_from_db()
    assert studio_a.price == old
    live = gateway.billing_subscription_retrieve(subscription=studio_a.stripe_subscription_id)
    assert live.price_id == old.stripe_price_id


def test_an_emptied_yearly_price_is_no_longer_offered(pro):
    plan_stripe_sync(plan=pro)
    yearly = current(pro)[YEAR]
    Plan.objects.filter(pk=pro.pk).update(yearly_price=None)
    pro.refresh_from_db()

    prices = plan_stripe_sync(plan=pro)

    assert [p.interval for p in prices] == [MONTH]
    yearly.refresh_from_db()
    assert not yearly.is_current and PlanPrice.objects.filter(pk=yearly.pk).exists()


def test_subscribers_move_to_the_current_price_when_the_operator_says(pro, studio_a, studio_b):
    plan_stripe_sync(plan=pro)
    old = current(pro)[MONTH]
    subscribed(studio_a, old)
    subscribed(studio_b, current(pro)[YEAR])  # yearly, whose price did not change
    plan_stripe_sync(plan=reprice(pro, "109"))
    new = current(pro)[MONTH]
    operator = User.objects.create_superuser("mover@platform.example", "m@p.example", "pw")

    moved = plan_price_subscribers_move(plan=pro, interval=MONTH, by=operator)

    assert moved == 1
    studio_a.refresh_from_db()
    assert studio_a.price == new and studio_a.subscription_status == "active"
    live = gateway.billing_subscription_retrieve(subscription=studio_a.stripe_subscription_id)
    assert live.price_id == new.stripe_price_id
    change = SubscriptionChange.objects.filter(studio=studio_a).latest("at", "pk")
    assert (change.source, change.mrr, change.interval) == ("operator", Decimal("109.00"), MONTH)
    entry = PlatformAuditEntry.objects.get(action="studio.price_moved")
    assert entry.user == operator and entry.object_id == str(studio_a.pk)
    studio_b.refresh_from_db()
    assert studio_b.price == current(pro)[YEAR]
    assert plan_price_subscribers_move(plan=pro, interval=MONTH) == 0


def test_moving_without_a_current_price_says_to_sync_first(pro):
    with pytest.raises(PlanPriceError, match="Sync its prices to Stripe first"):
        plan_price_subscribers_move(plan=pro, interval=YEAR)


@pytest.mark.parametrize("yearly", ["0", "-10"])
def test_a_yearly_price_of_zero_or_less_is_refused_before_stripe(pro, yearly):
    Plan.objects.filter(pk=pro.pk).update(yearly_price=Decimal(yearly))
    pro.refresh_from_db()

    with pytest.raises(PlanPriceError, match="must be more than 0") as refused:
        plan_stripe_sync(plan=pro)

    assert refused.value.field == "yearly_price"
    pro.refresh_from_db()
    assert pro.stripe_product_id == "" and not PlanPrice.objects.filter(plan=pro).exists()
    assert not PlatformAuditEntry.objects.filter(action__startswith="plan.").exists()


def test_stripe_unreachable_changes_nothing(pro, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there

    with pytest.raises(PlanPriceError) as refused:
        plan_stripe_sync(plan=pro)

    assert refused.value.message == gateway.BILLING_UNAVAILABLE
    pro.refresh_from_db()
    assert pro.stripe_product_id == "" and not PlanPrice.objects.filter(plan=pro).exists()


def test_without_stripe_configured_it_says_so(pro, settings):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(PlanPriceError, match="Stripe is not set up"):
        plan_stripe_sync(plan=pro)
    assert plan_prices_ensure() == 0
    assert not PlanPrice.objects.exists()


def test_a_price_that_failed_after_the_product_reuses_the_product(pro, monkeypatch):
    real = gateway.billing_price_create

    def down(**kwargs):
        raise gateway.GatewayError(gateway.BILLING_UNAVAILABLE)

    monkeypatch.setattr(gateway, "billing_price_create", down)
    with pytest.raises(PlanPriceError):
        plan_stripe_sync(plan=pro)
    pro.refresh_from_db()
    product = pro.stripe_product_id
    assert product.startswith("prod_") and not PlanPrice.objects.filter(plan=pro).exists()

    monkeypatch.setattr(gateway, "billing_price_create", real)
    plan_stripe_sync(plan=pro)

    pro.refresh_from_db()
    assert pro.stripe_product_id == product
    assert set(current(pro)) == {MONTH, YEAR}


def test_a_product_stripe_lost_is_named(pro):
    Plan.objects.filter(pk=pro.pk).update(stripe_product_id="prod_GoneFromStripe")
    pro.refresh_from_db()
    with pytest.raises(PlanPriceError, match="no longer has the product prod_GoneFromStripe"):
        plan_stripe_sync(plan=pro)
    assert not PlanPrice.objects.filter(plan=pro).exists()


def test_ensure_prices_every_public_plan_once():
    public = Plan.objects.public().count()
    wanted = public + Plan.objects.public().filter(yearly_price__isnull=False).count()

    assert plan_prices_ensure() == wanted
    assert plan_prices_ensure() == 0
    for plan in Plan.objects.public():
        assert MONTH in current(plan)


def test_ensure_follows_a_new_amount(pro):
    plan_prices_ensure()
    reprice(pro, "119")
    assert plan_prices_ensure() == 1
    assert current(pro)[MONTH].amount == Decimal("119.00")


# --- the platform admin ------------------------------------------------------------------------


def test_the_plan_page_shows_its_stripe_prices_and_actions(operator, pro, studio_a):
    plan_stripe_sync(plan=pro)
    subscribed(studio_a, current(pro)[MONTH])

    page = operator.get(f"/admin/tenancy/plan/{pro.pk}/change/").content.decode()

    for text in (
        "Sync prices to Stripe",
        "Move subscribers to the current price",
        current(pro)[MONTH].stripe_price_id,
        current(pro)[YEAR].stripe_price_id,
        pro.stripe_product_id,
        "Studios on it",
        "Grace period",
        "Yearly price",
        "Audit-log export",
    ):
        assert text in page, text


def test_an_operator_syncs_from_the_confirmation_page(operator, pro):
    url = f"/admin/tenancy/plan/{pro.pk}/sync-prices/"
    page = operator.get(url).content.decode()
    assert "a new Stripe price of €99.00 becomes current" in page
    assert not PlanPrice.objects.filter(plan=pro).exists()  # asking is not doing

    response = operator.post(url)

    assert response.status_code == 302
    assert set(current(pro)) == {MONTH, YEAR}
    assert "already on Stripe, unchanged" in operator.get(url).content.decode()


def test_a_refused_sync_is_said_on_the_page(operator, pro, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    response = operator.post(f"/admin/tenancy/plan/{pro.pk}/sync-prices/")
    assert response.status_code == 200
    assert "Stripe cannot be reached for billing" in response.content.decode()
    assert not PlanPrice.objects.filter(plan=pro).exists()


def test_the_move_page_says_how_many_studios_move(operator, pro, studio_a):
    plan_stripe_sync(plan=pro)
    subscribed(studio_a, current(pro)[MONTH])
    plan_stripe_sync(plan=reprice(pro, "109"))
    url = f"/admin/tenancy/plan/{pro.pk}/move-subscribers/"

    page = operator.get(url).content.decode()

    assert "Monthly: 1 studio moves to €109.00" in page
    assert "Yearly: no studio is on an older price" in page
    response = operator.post(url, {"interval": "month"})
    assert response.status_code == 302
    studio_a.refresh_from_db()
    assert studio_a.price == current(pro)[MONTH]


def test_the_studio_page_shows_billing_and_history(operator, studio_a, pro):
    SubscriptionChange.objects.create(
        studio=studio_a,
        at=studio_a.created_at,
        status="active",
        plan=pro,
        interval=MONTH,
        mrr=Decimal("99"),
        source="operator",
        note="Moved by hand <b>x</b>",
    )
    Studio.objects.filter(pk=studio_a.pk).update(card_label="Visa •••• 4242")

    page = operator.get(f"/admin/tenancy/studio/{studio_a.pk}/change/").content.decode()

    assert "Billing (from Stripe, read-only)" in page and "Visa •••• 4242" in page
    assert "Subscription history" in page and "Moved by hand &lt;b&gt;x&lt;/b&gt;" in page


def test_staff_without_plan_rights_cannot_sync_or_move(pro):
    staff = User.objects.create_user("ops@platform.example", "ops@p.example", "pw", is_staff=True)
    browser = sign_in_verified(HttpClient(HTTP_HOST="localhost"), staff)
    for action in ("sync-prices", "move-subscribers"):
        url = f"/admin/tenancy/plan/{pro.pk}/{action}/"
        assert browser.get(url).status_code == 403
        assert browser.post(url, {"interval": "month"}).status_code == 403
    assert not PlanPrice.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(pro):
    response = HttpClient(HTTP_HOST="localhost").post(f"/admin/tenancy/plan/{pro.pk}/sync-prices/")
    assert response.status_code == 302 and "login" in response["Location"]
    assert not PlanPrice.objects.exists()


def test_a_studio_owner_never_reaches_the_plan_actions(studio_a, pro):
    owner = HttpClient(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        owner.force_login(User.objects.get(email=STUDIO_A.owner_email))
    for action in ("sync-prices", "move-subscribers"):
        assert owner.post(f"/admin/tenancy/plan/{pro.pk}/{action}/").status_code == 404
    assert not PlanPrice.objects.exists()


def test_the_prices_are_read_only_in_the_page(operator, pro):
    plan_stripe_sync(plan=pro)
    page = operator.get(f"/admin/tenancy/plan/{pro.pk}/change/").content.decode()
    assert 'name="prices-0-amount"' not in page and 'name="prices-0-stripe_price_id"' not in page


def test_saving_a_new_amount_says_it_is_not_on_stripe_yet(operator, pro):
    plan_stripe_sync(plan=pro)
    page = operator.get(f"/admin/tenancy/plan/{pro.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, bool)}
    data.update(
        {name: "on" for name, value in form.initial.items() if value is True},
        monthly_price="119",
        **{"prices-TOTAL_FORMS": "2", "prices-INITIAL_FORMS": "2"},
        **{
            f"prices-{i}-id": p.pk
            for i, p in enumerate(page.context["inline_admin_formsets"][0].formset.queryset)
        },
        **{f"prices-{i}-plan": pro.pk for i in range(2)},
    )

    response = operator.post(f"/admin/tenancy/plan/{pro.pk}/change/", data, follow=True)

    assert "new amounts are not on Stripe yet" in response.content.decode()
    assert current(pro)[MONTH].amount == Decimal("99.00")  # saving is not syncing
    pro.refresh_from_db()
    assert pro.monthly_price == Decimal("119")
