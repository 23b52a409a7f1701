"""The pricing page reads the Plans table on every request: nothing is copied into the CMS."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cms.models import PricingPage
from siteconf.tenancy.plans import Plan
from tests.cms.conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def pricing(home):
    return publish(home, PricingPage(title="Pricing", slug="pricing", intro="Per studio."))


def test_it_lists_the_public_plans_with_their_prices(pricing, platform_client):
    response = platform_client.get("/pricing/")

    html = response.content.decode()
    assert response.status_code == 200
    for name, price in (("Starter", "€29"), ("Pro", "€99"), ("Enterprise", "€299")):
        assert f"<h2>{name}</h2>" in html
        assert f'<span class="amount">{price}</span>' in html


def test_each_plan_has_a_trial_button_to_sign_up_with_that_plan(pricing, platform_client):
    html = platform_client.get("/pricing/").content.decode()

    for slug in ("starter", "pro", "enterprise"):
        assert f'href="/signup/?plan={slug}"' in html
    assert html.count("Start your 14-day free trial") == 3


def test_a_price_changed_in_the_platform_admin_shows_at_once(pricing, platform_client):
    Plan.objects.filter(slug="pro").update(monthly_price=Decimal("149.50"))

    html = platform_client.get("/pricing/").content.decode()

    assert '<span class="amount">€149.50</span>' in html
    assert '<span class="amount">€99</span>' not in html


def test_the_trial_length_comes_from_the_plan(pricing, platform_client):
    Plan.objects.filter(slug="starter").update(trial_days=30)

    html = platform_client.get("/pricing/").content.decode()

    assert "Start your 30-day free trial" in html


def test_a_plan_taken_off_the_pricing_page_is_not_listed(pricing, platform_client):
    Plan.objects.filter(slug="enterprise").update(is_public=False)

    html = platform_client.get("/pricing/").content.decode()

    assert "<h2>Enterprise</h2>" not in html
    assert "/signup/?plan=enterprise" not in html


def test_the_comparison_shows_limits_and_unlimited_for_empty_ones(pricing, platform_client):
    response = platform_client.get("/pricing/")

    rows = dict(response.context["comparison"])
    assert [value for value, _ in rows["Rooms"]] == ["1", "Unlimited", "Unlimited"]
    assert [value for value, _ in rows["Sessions per month"]] == ["50", "Unlimited", "Unlimited"]
    assert [value for value, _ in rows["Staff seats"]] == ["3", "10", "Unlimited"]
    assert b'<th scope="row">Staff seats</th>' in response.content


def test_the_highlighted_plan_is_marked(pricing, platform_client):
    html = platform_client.get("/pricing/").content.decode()

    assert html.count("Most popular") == 1
    assert 'class="plan plan-highlighted" id="plan-pro"' in html


def test_each_plan_shows_its_yearly_price_and_what_it_saves(pricing, platform_client):
    html = platform_client.get("/pricing/").content.decode()

    # The seeded yearly prices are ten months: the saving is said in months.
    for price in ("€290", "€990", "€2,990"):
        assert f"or <strong>{price}</strong> a year — 2 months free" in html, price
    assert html.count("billed monthly or yearly") == 3


def test_the_yearly_line_follows_the_plan_table(pricing, platform_client):
    Plan.objects.filter(slug="pro").update(yearly_price=Decimal("1000"))
    Plan.objects.filter(slug="starter").update(yearly_price=None)
    Plan.objects.filter(slug="enterprise").update(yearly_price=Decimal("3588"))

    response = platform_client.get("/pricing/")

    html = response.content.decode()
    assert "or <strong>€1,000</strong> a year — save €188" in html
    starter = html[html.index('id="plan-starter"') : html.index('id="plan-pro"')]
    assert "a year" not in starter and "billed monthly." in starter
    enterprise = html[html.index('id="plan-enterprise"') :]
    assert "or <strong>€3,588</strong> a year</span>" in enterprise  # twelve months: no saving
    rows = dict(response.context["comparison"])
    assert [value for value, _ in rows["Price per year"]] == ["Monthly only", "€1,000", "€3,588"]
