"""The deposit a session asks, by the client's terms and history, and the policy in words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from studio.models import Client, StudioSettings
from studio.services.deposits import deposit_terms, policy_lines
from tests.studio.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(in_studio_a):
    settings = StudioSettings.objects.get()
    settings.deposit_percent = Decimal("30")
    settings.account_deposit_percent = Decimal("0")
    settings.no_show_deposit_percent = Decimal("100")
    settings.save()
    return settings


def test_an_independent_artist_pays_the_usual_deposit(rules):
    terms = deposit_terms(client=ClientFactory(), price=Decimal("200.00"), currency="EUR")
    assert (terms.percent, terms.amount) == (Decimal("30"), Decimal("60.00"))


def test_a_label_on_account_terms_books_without_a_deposit(rules):
    label = ClientFactory(kind=Client.Kind.LABEL, terms=Client.Terms.ACCOUNT)
    terms = deposit_terms(client=label, price=Decimal("200.00"), currency="EUR")
    assert terms.amount == Decimal("0.00")
    assert "no deposit" in terms.reason


def test_an_account_deposit_the_studio_sets_applies_to_accounts(rules):
    rules.account_deposit_percent = Decimal("10")
    rules.save()
    label = ClientFactory(terms=Client.Terms.ACCOUNT)
    assert deposit_terms(client=label, price=Decimal("200"), currency="EUR").amount == Decimal(
        "20.00"
    )


def test_a_client_with_a_no_show_pays_the_stricter_deposit(rules):
    client = ClientFactory()
    Client.objects.filter(pk=client.pk).update(no_show_count=1)
    client.refresh_from_db()
    terms = deposit_terms(client=client, price=Decimal("200.00"), currency="EUR")
    assert terms.amount == Decimal("200.00")
    assert "missed" in terms.reason


def test_the_no_show_deposit_never_lowers_the_usual_one(rules):
    rules.no_show_deposit_percent = Decimal("10")
    rules.save()
    client = ClientFactory()
    Client.objects.filter(pk=client.pk).update(no_show_count=2)
    client.refresh_from_db()
    assert deposit_terms(client=client, price=Decimal("100"), currency="EUR").percent == 30


def test_yen_deposits_are_whole_yen(rules):
    terms = deposit_terms(client=ClientFactory(), price=Decimal("12345"), currency="JPY")
    assert terms.amount == Decimal("3704")  # 3703.5 rounds half up, no sen


def test_the_policy_reads_as_sentences(rules):
    rules.tiers.all().delete()
    rules.tiers.create(min_hours_before=168, refund_percent=Decimal("100"))
    rules.tiers.create(min_hours_before=48, refund_percent=Decimal("50"))
    assert policy_lines() == [
        "Cancel 7 days or more before the start: 100 % of the deposit back.",
        "Cancel 2 days or more before the start: 50 % of the deposit back.",
        "Later than that, the deposit is not refunded.",
    ]


def test_without_tiers_the_policy_says_deposits_are_kept(rules):
    rules.tiers.all().delete()
    assert policy_lines() == ["The deposit is not refunded on cancellation."]


def test_a_last_tier_that_refunds_nothing_reads_as_later_than_that(rules):
    rules.tiers.all().delete()
    rules.tiers.create(min_hours_before=48, refund_percent=Decimal("50"))
    rules.tiers.create(min_hours_before=0, refund_percent=Decimal("0"))
    assert policy_lines() == [
        "Cancel 2 days or more before the start: 50 % of the deposit back.",
        "Later than that, the deposit is not refunded.",
    ]


def test_a_tier_from_the_start_reads_as_any_time(rules):
    rules.tiers.all().delete()
    rules.tiers.create(min_hours_before=0, refund_percent=Decimal("25"))
    assert policy_lines() == ["Cancel any time before the start: 25 % of the deposit back."]
