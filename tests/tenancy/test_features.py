"""What a plan includes is decided in one place (siteconf.tenancy.features), from the Plan
table, and every path that offers a feature asks it."""

from __future__ import annotations

import ast
import inspect
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django_tenants.utils import schema_context

from siteconf import stripe_accounts
from siteconf.tenancy import features
from siteconf.tenancy.features import (
    FEATURES,
    FeatureNotInPlan,
    feature_check,
    plans_with,
    studio_has,
)
from siteconf.tenancy.models import Plan, Studio
from studio.services.deposits import card_payments_available
from tests.conftest import STUDIO_A, client_for

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
FLAGS = set(FEATURES)


def _on(studio: Studio, slug: str | None) -> Studio:
    Studio.objects.filter(pk=studio.pk).update(plan=Plan.objects.get(slug=slug) if slug else None)
    return Studio.objects.get(pk=studio.pk)


def test_each_plan_includes_what_its_row_says(studio_a):
    expected = {
        "starter": set(),
        "pro": {"card_payments"},
        "enterprise": {"card_payments", "white_label", "custom_domains", "audit_export"},
    }
    for slug, included in expected.items():
        studio = _on(studio_a, slug)
        assert {name for name in FEATURES if studio_has(name, studio)} == included, slug


def test_a_studio_without_a_plan_has_no_feature(studio_a):
    studio = _on(studio_a, None)
    assert not any(studio_has(name, studio) for name in FEATURES)


def test_without_a_studio_it_asks_about_the_one_the_connection_is_on(studio_a, studio_b):
    _on(studio_a, "enterprise")
    _on(studio_b, "starter")
    with schema_context(studio_a.schema_name):
        assert studio_has("audit_export")
    with schema_context(studio_b.schema_name):
        assert not studio_has("audit_export")
    # On the platform there is no studio, so no plan and no feature.
    assert not studio_has("audit_export")


def test_an_operator_turning_a_feature_off_turns_it_off_at_once(studio_a):
    studio = _on(studio_a, "enterprise")
    assert studio_has("custom_domains", studio)
    # The same studio object (as the host cache keeps it) sees the table's new value.
    Plan.objects.filter(slug="enterprise").update(custom_domains=False)
    assert not studio_has("custom_domains", studio)


def test_a_refusal_names_the_plans_that_include_it_and_where_to_upgrade(studio_a):
    studio = _on(studio_a, "pro")
    with pytest.raises(FeatureNotInPlan) as refused:
        feature_check("custom_domains", studio)
    message = refused.value.message
    assert message.startswith("Custom domains are part of the Enterprise plan.")
    assert "Settings → Subscription" in message
    assert re.search(r"https?://studio-a\.localhost(:\d+)?/admin/subscription/$", message)
    assert refused.value.feature == "custom_domains"

    with pytest.raises(FeatureNotInPlan, match="part of the Pro and Enterprise plans"):
        feature_check("card_payments", _on(studio_a, "starter"))


def test_the_plans_named_come_from_the_table(studio_a):
    Plan.objects.filter(slug="pro").update(audit_export=True)
    # A plan that is not on sale is never offered.
    Plan.objects.create(
        name="Legacy",
        slug="legacy",
        monthly_price=Decimal(1),
        audit_export=True,
        is_public=False,
    )
    assert [plan.slug for plan in plans_with("audit_export")] == ["pro", "enterprise"]
    with pytest.raises(FeatureNotInPlan, match="Audit-log export is part of the Pro and Enterpr"):
        feature_check("audit_export", _on(studio_a, "starter"))

    Plan.objects.update(audit_export=False)
    with pytest.raises(FeatureNotInPlan, match="not part of any plan on sale"):
        feature_check("audit_export", _on(studio_a, "enterprise"))


def test_a_feature_in_the_plan_passes(studio_a):
    assert feature_check("white_label", _on(studio_a, "enterprise")) is None


def test_a_misspelt_feature_fails_loudly(studio_a):
    with pytest.raises(ValueError, match="Unknown plan feature 'white_labels'"):
        studio_has("white_labels", studio_a)


def test_card_payments_in_the_portal_follow_the_plan(studio_a):
    Studio.objects.filter(pk=studio_a.pk).update(
        stripe_account_id="acct_features_test", stripe_charges_enabled=True
    )
    studio = _on(studio_a, "starter")
    with schema_context(studio.schema_name):
        cards, why = card_payments_available()
    assert not cards and why == "Card payments are not part of this studio's plan."
    assert stripe_accounts.studio_card_state(studio) == stripe_accounts.NO_PLAN_CARDS

    studio = _on(studio_a, "pro")
    assert stripe_accounts.studio_card_state(studio) == stripe_accounts.READY


def test_stripe_onboarding_on_a_plan_without_cards_is_refused_with_the_plans(studio_a, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_SECRET_KEY or "sk_test_features"
    studio = _on(studio_a, "starter")
    with schema_context(studio.schema_name):
        owner = User.objects.get(email=STUDIO_A.owner_email)
        with pytest.raises(FeatureNotInPlan, match="part of the Pro and Enterprise plans"):
            stripe_accounts.stripe_onboarding_start(
                studio=studio, by=owner, return_url="http://studio-a.localhost/"
            )
    studio.refresh_from_db()
    assert studio.stripe_account_id is None


def test_the_online_payments_page_names_the_plans_from_the_table(studio_a):
    _on(studio_a, "starter")
    Plan.objects.filter(slug="pro").update(name="Professional")
    browser = client_for(STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        browser.force_login(User.objects.get(email=STUDIO_A.owner_email))
    page = browser.get("/admin/settings/online-payments/").content.decode()
    assert "part of the Professional and Enterprise plans" in page
    assert "Upgrade to Pro or Enterprise" not in page


# --- one place -------------------------------------------------------------------------------

# Where a flag may be named: its definition, the forms that edit it, the migrations that seed
# it, and the one module that reads it.
ALLOWED = {
    "site/tenancy/features.py",
    "site/tenancy/plans.py",
    "site/tenancy/admin.py",
}
SOURCES = ("site", "studio", "portal", "cms")
# Keyword arguments and strings: `filter(card_payments=True)`, `values_list("white_label")`,
# `plan__audit_export=…`.
FEATURE_FUNCTIONS = {
    name
    for name, value in vars(features).items()
    if inspect.isfunction(value) and value.__module__ == features.__name__
}
FLAG_LOOKUP = re.compile(rf"^(?:\w+__)*(?:{'|'.join(FLAGS)})(?:__\w+)?$")


def _python_files():
    for top in SOURCES:
        for path in (ROOT / top).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "migrations" in path.parts or relative in ALLOWED or "forms" in path.name:
                continue
            yield relative, path


def _plan_like(node: ast.AST) -> bool:
    """`plan`, `studio.plan`, `self.plan_obj`, `Plan.objects…`: an expression about a plan."""
    while isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return "plan" in node.attr.lower() or _plan_like(node.value)
    return isinstance(node, ast.Name) and "plan" in node.id.lower()


def _asks_features(call: ast.Call) -> bool:
    """A call into the features module (`plans_with("card_payments")`) is the right way."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in FEATURE_FUNCTIONS


def direct_flag_reads(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _asks_features(node):
            continue
        if isinstance(node, ast.Attribute) and node.attr in FLAGS and _plan_like(node.value):
            found.append((node.lineno, f".{node.attr}"))
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                name = keyword.arg or ""
                about_plan = _plan_like(node.func) or "plan__" in name
                if FLAG_LOOKUP.match(name) and about_plan:
                    found.append((node.lineno, f"{name}="))
            for arg in node.args:
                if (
                    isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and FLAG_LOOKUP.match(arg.value)
                    and _plan_like(node.func)
                ):
                    found.append((node.lineno, repr(arg.value)))
    return found


def test_the_check_finds_the_reads_it_forbids():
    sample = (
        "if studio.plan.card_payments: pass\n"
        "Plan.objects.filter(white_label=True)\n"
        "Studio.objects.filter(plan__audit_export=True)\n"
        "Plan.objects.values_list('slug', 'custom_domains')\n"
        "session.card_payments.all()\n"  # a related manager, not the plan's flag
        "studio.custom_domains.filter(verified=True)\n"  # the studio's domains
        "plans_with('card_payments')\n"  # asking the features module
    )
    assert [line for line, _ in direct_flag_reads(sample)] == [1, 2, 3, 4]


def test_no_code_reads_a_plan_flag_except_through_features():
    offenders = []
    for relative, path in _python_files():
        for line, what in direct_flag_reads(path.read_text(encoding="utf-8")):
            offenders.append(f"{relative}:{line} {what}")
    assert offenders == [], "ask siteconf.tenancy.features instead:\n" + "\n".join(offenders)


def test_no_template_reads_a_plan_flag():
    pattern = re.compile(rf"\bplan\.(?:{'|'.join(FLAGS)})\b")
    offenders = [
        path.relative_to(ROOT).as_posix()
        for top in SOURCES
        for path in (ROOT / top).rglob("*.html")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
