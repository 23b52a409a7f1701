"""The platform's revenue figures, from hand-built subscription histories with known answers,
and the platform admin's front page that shows them (to operators only)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from siteconf.tenancy.models import Plan, PlanPrice, Studio, SubscriptionChange
from siteconf.tenancy.selectors.revenue import revenue_overview
from siteconf.tenancy.services.billing import subscription_apply
from tests.conftest import PLATFORM_HOST, STUDIO_A, sign_in_verified

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 20, 12, 0, tzinfo=UTC)
Source = SubscriptionChange.Source


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_other_history(db):
    """Studios A and B signed up when the test database was built: their trial rows would
    change every count here."""
    SubscriptionChange.objects.all().delete()


@pytest.fixture
def plans() -> dict[str, Plan]:
    return {plan.slug: plan for plan in Plan.objects.all()}


_made = iter(range(10_000))


def studio(name: str = "") -> Studio:
    """A studio row only (the figures never enter its schema)."""
    n = next(_made)
    return Studio.objects.create(
        name=name or f"Revenue {n}", slug=f"revenue-{n}", schema_name=f"revenue_{n}"
    )


def row(target, when, status, mrr="0", plan=None, currency="EUR", interval="month"):
    return SubscriptionChange.objects.create(
        studio=target,
        at=when,
        status=status,
        mrr=Decimal(mrr),
        plan=plan,
        currency=currency,
        interval=interval if Decimal(mrr) else "",
        source=Source.WEBHOOK,
    )


def months_of(overview) -> dict[int, object]:
    return {m.month.month: m for m in overview.months}


def test_a_mid_month_upgrade_counts_its_new_mrr_at_month_end_and_is_not_churn(plans):
    upgrader = studio()
    row(upgrader, at(3, 1), "active", "29", plans["starter"])
    row(upgrader, at(5, 15), "active", "99", plans["pro"])

    may = months_of(revenue_overview(months=3, now=NOW))

    assert [m for m in may] == [4, 5, 6]
    assert may[4].mrr == {"EUR": Decimal("29")}
    assert may[5].opening == {"EUR": Decimal("29")}
    assert may[5].mrr == {"EUR": Decimal("99")}
    assert may[5].expansion["EUR"] == Decimal("70")
    assert may[5].churned["EUR"] == 0 and may[5].churned_studios == 0
    assert may[5].logo_churn_rate == Decimal("0.0")
    assert may[5].revenue_churn_rate("EUR") == Decimal("0.0")
    assert may[6].mrr == {"EUR": Decimal("99")}


def test_a_downgrade_is_contraction_and_counts_in_revenue_churn_only(plans):
    downgrader, steady = studio(), studio()
    row(downgrader, at(3, 10), "active", "99", plans["pro"])
    row(downgrader, at(5, 20), "active", "29", plans["starter"])
    row(steady, at(3, 10), "active", "99", plans["pro"])

    may = months_of(revenue_overview(months=3, now=NOW))[5]

    assert may.contraction["EUR"] == Decimal("70")
    assert may.churned_studios == 0
    assert may.revenue_churn_rate("EUR") == Decimal("35.4")  # 70 of 198
    assert may.mrr["EUR"] == Decimal("128")


def test_a_yearly_price_counts_a_twelfth_of_it(plans, studio_a):
    pro = plans["pro"]
    yearly = PlanPrice.objects.create(
        plan=pro, interval="year", amount=Decimal("990"), currency="EUR", stripe_price_id="y"
    )
    Studio.objects.filter(pk=studio_a.pk).update(plan=pro, subscription_status="trialing")
    subscription_apply(
        studio=studio_a, status="active", source=Source.OPERATOR, at=at(4, 2), price=yearly
    )

    overview = revenue_overview(months=3, now=NOW)

    assert overview.now.mrr == {"EUR": Decimal("82.50")}
    assert overview.now.arr == {"EUR": Decimal("990.00")}
    assert months_of(overview)[4].new == {"EUR": Decimal("82.50")}


def test_logo_and_revenue_churn_count_who_paid_at_the_start_and_not_at_the_end(plans):
    stays, upgrades, leaves, lapses_and_returns = studio(), studio(), studio(), studio()
    row(stays, at(1, 5), "active", "29", plans["starter"])
    row(upgrades, at(1, 5), "active", "99", plans["pro"])
    row(leaves, at(1, 5), "active", "99", plans["pro"])
    row(leaves, at(5, 3), "past_due", "99", plans["pro"])
    row(leaves, at(5, 10), "read_only", "0", plans["pro"])
    row(lapses_and_returns, at(1, 5), "active", "29", plans["starter"])
    row(lapses_and_returns, at(5, 5), "read_only", "0", plans["starter"])
    row(lapses_and_returns, at(5, 25), "active", "29", plans["starter"])
    late = studio()  # started paying in May: new, not in May's base
    row(late, at(5, 8), "active", "29", plans["starter"])

    may = months_of(revenue_overview(months=3, now=NOW))[5]

    assert may.paying_at_start == 4
    assert may.churned_studios == 1
    assert may.logo_churn_rate == Decimal("25.0")
    assert may.churned["EUR"] == Decimal("99")
    assert may.revenue_churn_rate("EUR") == Decimal("38.7")  # 99 of 256
    assert may.new["EUR"] == Decimal("29")
    assert may.paying_at_end == 4
    # end = start + new + expansion - contraction - churned
    assert may.mrr["EUR"] == Decimal("256") + 29 - 99


def test_conversion_follows_the_trials_started_in_a_month(plans):
    pays_at_once, pays_next_month, never_pays = studio(), studio(), studio()
    for s in (pays_at_once, pays_next_month, never_pays):
        row(s, at(4, 3), "trialing", "0", plans["pro"])
    row(pays_at_once, at(4, 17), "active", "99", plans["pro"])
    row(pays_next_month, at(5, 2), "past_due", "99", plans["pro"])
    row(pays_next_month, at(5, 4), "active", "99", plans["pro"])
    row(never_pays, at(4, 17), "past_due", "99", plans["pro"])
    row(never_pays, at(4, 24), "read_only", "0", plans["pro"])
    may_trial = studio()
    row(may_trial, at(5, 20), "trialing", "0", plans["starter"])
    migrated = studio()  # already paying when history began: not a trial
    row(migrated, at(4, 1), "active", "29", plans["starter"])

    by_month = months_of(revenue_overview(months=3, now=NOW))

    assert (by_month[4].trials, by_month[4].converted) == (3, 2)
    assert by_month[4].conversion_rate == Decimal("66.7")
    assert (by_month[5].trials, by_month[5].converted) == (1, 0)
    assert by_month[6].trials == 0 and by_month[6].conversion_rate is None


def test_failed_payments_and_their_recovery_whenever_it_comes(plans):
    pro = plans["pro"]
    recovers, lapses, recovers_next_month, changes_plan_then_pays = (
        studio(),
        studio(),
        studio(),
        studio(),
    )
    for s in (recovers, lapses, recovers_next_month, changes_plan_then_pays):
        row(s, at(1, 10), "active", "99", pro)
    row(recovers, at(5, 3), "past_due", "99", pro)
    row(recovers, at(5, 6), "active", "99", pro)
    row(lapses, at(5, 10), "past_due", "99", pro)
    row(lapses, at(5, 17), "read_only", "0", pro)
    row(lapses, at(6, 10), "active", "99", pro)  # came back after read-only: not a recovery
    row(recovers_next_month, at(5, 28), "past_due", "99", pro)
    row(recovers_next_month, at(6, 2), "active", "99", pro)
    row(changes_plan_then_pays, at(5, 12), "past_due", "99", pro)
    row(changes_plan_then_pays, at(5, 14), "past_due", "29", plans["starter"])
    row(changes_plan_then_pays, at(5, 15), "active", "29", plans["starter"])

    by_month = months_of(revenue_overview(months=3, now=NOW))

    assert (by_month[5].failed, by_month[5].recovered) == (4, 3)
    assert by_month[5].recovery_rate == Decimal("75.0")
    assert by_month[6].failed == 0 and by_month[6].recovery_rate is None


def test_figures_are_grouped_per_currency(plans):
    euro, dollar = studio(), studio()
    row(euro, at(3, 1), "active", "29", plans["starter"])
    row(dollar, at(5, 4), "active", "50", plans["starter"], currency="USD")

    overview = revenue_overview(months=3, now=NOW)

    assert overview.now.mrr == {"EUR": Decimal("29"), "USD": Decimal("50")}
    assert overview.now.arr == {"EUR": Decimal("348"), "USD": Decimal("600")}
    assert overview.currencies == ["USD", "EUR"]  # the largest MRR first
    may = months_of(overview)[5]
    assert may.mrr == {"EUR": Decimal("29"), "USD": Decimal("50")}
    assert may.new == {"EUR": Decimal("0"), "USD": Decimal("50")}
    assert may.paying_at_end == 2


def test_now_counts_each_studio_once_by_plan_and_state_and_ignores_the_future(plans):
    trial, overdue, lapsed = studio(), studio(), studio()
    row(trial, at(6, 10), "trialing", "0", plans["pro"])
    row(trial, at(7, 1), "active", "99", plans["pro"])  # after "now": not yet
    row(overdue, at(2, 1), "active", "299", plans["enterprise"])
    row(overdue, at(6, 15), "past_due", "299", plans["enterprise"])
    row(lapsed, at(2, 1), "active", "29", plans["starter"])
    row(lapsed, at(4, 1), "read_only", "0", plans["starter"])

    now = revenue_overview(months=3, now=NOW).now

    assert now.by_state == {"trialing": 1, "active": 0, "past_due": 1, "read_only": 1}
    assert now.mrr == {"EUR": Decimal("299")}
    assert now.at_risk == {"EUR": Decimal("299")}
    lines = {line.name: line for line in now.plans}
    assert lines["Pro"].by_state["trialing"] == 1 and lines["Pro"].mrr == {}
    assert lines["Enterprise"].studios == 1
    assert lines["Starter"].by_state["read_only"] == 1
    # Platform and template tenants are no studios.
    assert now.studios == 3


def _count_queries(**kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        revenue_overview(now=NOW, **kwargs)
    return len(queries)


def test_the_query_count_does_not_grow_with_studios_or_months(plans):
    first = studio()
    row(first, at(1, 1), "trialing", "0", plans["pro"])
    small = _count_queries(months=2)
    for n in range(30):
        s = studio()
        row(s, at(1, 1 + n % 28), "trialing", "0", plans["pro"])
        row(s, at(2, 1 + n % 28), "active", "99", plans["pro"])
        row(s, at(3, 1 + n % 28), "past_due", "99", plans["pro"])
    large = _count_queries(months=36)

    assert small == large == 3


def test_an_empty_history_gives_zeros_not_errors():
    overview = revenue_overview(months=12, now=NOW)

    assert not overview.has_history
    assert len(overview.months) == 12
    assert overview.months[-1].month.isoformat() == "2026-06-01"
    assert overview.months[0].month.isoformat() == "2025-07-01"
    assert all(m.mrr == {} and m.logo_churn_rate is None for m in overview.months)


# --- the page --------------------------------------------------------------------------


def _staff_user(**extra) -> HttpClient:
    user = User.objects.create_user("op@platform.example", "op@platform.example", "op-Pw0rd!")
    User.objects.filter(pk=user.pk).update(**({"is_staff": True} | extra))
    user.refresh_from_db()
    return user


def test_an_operator_sees_the_revenue_figures_on_the_platform_admin(plans):
    paying = studio("Paying <b>Studio</b>")
    row(paying, at(3, 1), "active", "99", plans["pro"])
    operator = sign_in_verified(HttpClient(HTTP_HOST=PLATFORM_HOST), _staff_user(is_superuser=True))

    page = operator.get("/admin/").content.decode()

    assert 'id="revenue-kpis"' in page
    assert "€99" in page and "€1,188" in page  # MRR and ARR
    assert "New trials and conversions" in page
    assert "Template for new studios" in page  # the provisioning figures are still there


def test_the_page_reads_well_with_no_history(plans):
    operator = sign_in_verified(HttpClient(HTTP_HOST=PLATFORM_HOST), _staff_user(is_superuser=True))

    page = operator.get("/admin/").content.decode()

    assert "No subscription history yet" in page
    assert 'id="revenue-kpis"' not in page


def test_staff_without_the_revenue_permission_see_no_figures(plans):
    editor = _staff_user()
    browser = sign_in_verified(HttpClient(HTTP_HOST=PLATFORM_HOST), editor)
    assert 'id="revenue"' not in browser.get("/admin/").content.decode()

    editor.user_permissions.add(Permission.objects.get(codename="view_subscriptionchange"))
    assert 'id="revenue"' in browser.get("/admin/").content.decode()


def test_anonymous_visitors_and_studio_staff_never_reach_the_platform_dashboard(studio_a):
    anonymous = HttpClient(HTTP_HOST=PLATFORM_HOST).get("/admin/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]

    at_home = HttpClient(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        at_home.force_login(User.objects.get(email=STUDIO_A.owner_email))
    own_admin = at_home.get("/admin/").content.decode()
    assert 'id="revenue' not in own_admin and "MRR" not in own_admin

    # The owner's session, carried to the platform's host, is nobody there.
    on_platform = HttpClient(HTTP_HOST=PLATFORM_HOST)
    on_platform.cookies = at_home.cookies
    refused = on_platform.get("/admin/")
    assert refused.status_code == 302 and "/login/" in refused["Location"]


def test_the_dashboard_benchmark_reports_its_figures_and_cleans_up():
    from siteconf.bench.platform import bench_platform_dashboard

    studios_before = Studio.objects.count()

    figures = bench_platform_dashboard(repeat=2, progress=lambda line: None, studios=40)

    assert figures["platform_dashboard_p95_ms"] > 0
    assert figures["platform_dashboard_queries"] == 3
    assert figures["platform_dashboard_36_months_queries"] == 3
    assert figures["platform_dashboard_page_p95_ms"] > 0
    assert figures["platform_dashboard_history_rows"] > 40  # a trial row each, and more
    assert Studio.objects.count() == studios_before
    assert not SubscriptionChange.objects.filter(studio__slug__startswith="bench-").exists()
    assert not User.objects.filter(username__startswith="bench-operator").exists()
