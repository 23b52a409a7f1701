"""Custom domains: added, proven by a DNS TXT record (a stand-in resolver, no network), served
only once verified, and no longer served the moment they are removed or leave the plan."""

from __future__ import annotations

import dns.exception
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.resolver
import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from django_tenants.utils import schema_context

from siteconf.tenancy import dns_lookup
from siteconf.tenancy.features import FeatureNotInPlan
from siteconf.tenancy.models import (
    CustomDomain,
    Domain,
    Plan,
    PlatformAuditEntry,
    Studio,
    SubscriptionStatus,
)
from siteconf.tenancy.services.custom_domains import (
    CustomDomainError,
    custom_domain_add,
    custom_domain_remove,
    custom_domain_verify,
    custom_domains_recheck,
    hostname_normalise,
)
from studio.models import AuditEntry
from studio.models import Client as StudioClient
from studio.services.errors import PermissionRefused
from studio.services.readonly import StudioReadOnly
from tests.conftest import STUDIO_A, STUDIO_B
from tests.portal.conftest import CLIENT_PASSWORD, portal_account_make
from tests.studio.conftest import staff_user

pytestmark = pytest.mark.django_db
HOST = "book.mystudio.com"
TXT_NAME = f"_rsm-verify.{HOST}"
PAGE = "/admin/settings/custom-domains/"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class StandInResolver:
    """dnspython's `resolve()` answering from a table: a list of TXT values, or an exception
    (NXDOMAIN, a timeout...) to raise. A name not in the table has no TXT records."""

    def __init__(self):
        self.answers: dict[str, list[str] | Exception] = {}
        self.asked: list[str] = []

    def resolve(self, qname, rdtype, **kwargs):
        assert rdtype == "TXT"
        self.asked.append(qname)
        answer = self.answers.get(qname, [])
        if isinstance(answer, Exception):
            raise answer
        if not answer:
            raise dns.resolver.NoAnswer()
        return [
            dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TXT, f'"{value}"')
            for value in answer
        ]


@pytest.fixture(autouse=True)
def dns_answers():
    resolver = StandInResolver()
    with dns_lookup.resolver_override(resolver):
        yield resolver


def on_plan(studio: Studio, slug: str) -> Studio:
    studio = Studio.objects.get(pk=studio.pk)
    studio.plan = Plan.objects.get(slug=slug)
    studio.save()
    return studio


@pytest.fixture
def enterprise_a(studio_a) -> Studio:
    return on_plan(studio_a, "enterprise")


@pytest.fixture
def owner_a(studio_a) -> User:
    with schema_context(studio_a.schema_name):
        return User.objects.get(email=STUDIO_A.owner_email)


def add(studio: Studio, hostname: str = HOST, *, by=None) -> CustomDomain:
    """Add a domain as the studio's owner does, in its back office's schema."""
    with schema_context(studio.schema_name):
        owner = by or User.objects.get(email=studio.owner_email)
        return custom_domain_add(studio=studio, hostname=hostname, by=owner)


def verify(domain: CustomDomain) -> CustomDomain:
    studio = Studio.objects.get(pk=domain.studio_id)
    with schema_context(studio.schema_name):
        owner = User.objects.get(email=studio.owner_email)
        return custom_domain_verify(domain=domain, by=owner)


def served(host: str = HOST) -> int:
    return Browser(HTTP_HOST=host).get("/").status_code


def verified_domain(studio: Studio, dns_answers, host: str = HOST) -> CustomDomain:
    domain = add(studio, host)
    dns_answers.answers[domain.txt_name] = [domain.token]
    return verify(domain)


# --- what a domain may be ----------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("Book.MyStudio.COM", "book.mystudio.com"),
        ("book.mystudio.com.", "book.mystudio.com"),
        ("  https://book.mystudio.com/ ", "book.mystudio.com"),
        ("bücher.example", "xn--bcher-kva.example"),
    ],
)
def test_a_host_name_is_stored_the_way_dns_carries_it(typed, stored):
    assert hostname_normalise(typed) == stored


@pytest.mark.parametrize(
    "typed, says",
    [
        ("mystudio", "at least two parts"),
        ("192.168.1.10", "IP address"),
        ("[::1]", "IP address"),
        ("book mystudio.com", "is not a domain name"),
        ("-book.mystudio.com", "is not a domain name"),
        ("book.mystudio.com/portal", "is not a domain name"),
        ("<img src=x onerror=alert(1)>.com", "is not a domain name"),
        (("a" * 64) + ".com", "is not a domain name"),
        ("", "is not a domain name"),
        ("localhost", "at least two parts"),
        ("studio-b.localhost", "platform's own addresses"),
        ("anything.localhost", "platform's own addresses"),
    ],
)
def test_what_is_not_a_domain_of_ones_own_is_refused(enterprise_a, typed, says):
    with pytest.raises(CustomDomainError, match=says):
        add(enterprise_a, typed)

    assert not CustomDomain.objects.exists()


def test_a_plan_without_custom_domains_refuses_and_says_which_plans_have_them(studio_a):
    studio = on_plan(studio_a, "pro")

    with pytest.raises(FeatureNotInPlan) as refusal:
        add(studio)

    assert "Enterprise" in refusal.value.message
    assert "/admin/subscription/" in refusal.value.message
    assert not CustomDomain.objects.exists()


def test_a_read_only_studio_adds_nothing(enterprise_a):
    Studio.objects.filter(pk=enterprise_a.pk).update(
        subscription_status=SubscriptionStatus.READ_ONLY
    )

    with pytest.raises(StudioReadOnly, match="read-only"):
        add(Studio.objects.get(pk=enterprise_a.pk))

    assert not CustomDomain.objects.exists()


def test_staff_without_the_settings_permission_cannot_add(enterprise_a):
    with schema_context(enterprise_a.schema_name):
        desk = staff_user("desk@studio-a.example", "Front desk")
    with pytest.raises(PermissionRefused):
        add(enterprise_a, by=desk)

    assert not CustomDomain.objects.exists()


def test_adding_keeps_it_waiting_and_records_it_in_the_studios_trail(enterprise_a):
    domain = add(enterprise_a, "Book.MyStudio.com")

    assert domain.hostname == HOST
    assert domain.verified_at is None
    assert domain.token.startswith("rsm-verify=")
    assert not Domain.objects.filter(domain=HOST).exists()
    with schema_context(enterprise_a.schema_name):
        entry = AuditEntry.objects.select_related("user").get(action="custom_domain.added")
    assert entry.user.email == STUDIO_A.owner_email
    assert entry.changes["hostname"] == [None, HOST]


def test_a_domain_added_twice_is_refused_the_second_time(enterprise_a):
    add(enterprise_a)

    with pytest.raises(CustomDomainError, match="already on your list"):
        add(enterprise_a, "BOOK.mystudio.com.")

    assert CustomDomain.objects.count() == 1


def test_another_studio_cannot_claim_a_domain_already_added(enterprise_a, studio_b):
    add(enterprise_a)
    studio_b = on_plan(studio_b, "enterprise")

    with pytest.raises(CustomDomainError, match="in use by another studio"):
        add(studio_b)

    assert list(CustomDomain.objects.values_list("studio_id", flat=True)) == [enterprise_a.pk]


def test_another_studio_cannot_check_or_remove_it(enterprise_a, studio_b, dns_answers):
    domain = verified_domain(enterprise_a, dns_answers)

    with schema_context(studio_b.schema_name):
        owner_b = User.objects.get(email=STUDIO_B.owner_email)
        with pytest.raises(CustomDomainError, match="not one of your studio's"):
            custom_domain_remove(domain=domain, by=owner_b)
        with pytest.raises(CustomDomainError, match="not one of your studio's"):
            custom_domain_verify(domain=domain, by=owner_b)

    assert CustomDomain.objects.filter(pk=domain.pk, verified_at__isnull=False).exists()
    assert served() == 200


# --- verification ---------------------------------------------------------------------------


def test_the_right_token_verifies_it_and_serves_the_studio(enterprise_a, dns_answers):
    domain = add(enterprise_a)
    assert served() == 400
    dns_answers.answers[TXT_NAME] = ["v=spf1 -all", domain.token]

    domain = verify(domain)

    assert domain.verified_at is not None
    assert domain.last_error == ""
    serving = Domain.objects.get(domain=HOST)
    assert serving.tenant_id == enterprise_a.pk
    assert not serving.is_primary
    assert dns_answers.asked == [TXT_NAME]
    response = Browser(HTTP_HOST=HOST).get("/")
    assert response.status_code == 200
    assert "Studio A" in response.text


def test_the_studios_links_keep_its_sub_domain(enterprise_a, dns_answers):
    verified_domain(enterprise_a, dns_answers)

    assert enterprise_a.url_for("/sign-in/").startswith(f"http://{STUDIO_A.host}")


def test_a_token_split_into_several_strings_still_counts(enterprise_a, dns_answers):
    domain = add(enterprise_a)
    half = len(domain.token) // 2
    record = dns.rdata.from_text(
        dns.rdataclass.IN,
        dns.rdatatype.TXT,
        f'"{domain.token[:half]}" "{domain.token[half:]}"',
    )
    dns_answers.resolve = lambda qname, rdtype, **kwargs: [record]

    assert verify(domain).verified_at is not None


@pytest.mark.parametrize(
    "answer, says",
    [
        (["rsm-verify=someone-elses-token"], "does not hold this domain's token"),
        ([], f"No TXT record at {TXT_NAME} yet: DNS changes can take up to an hour."),
        (dns.resolver.NXDOMAIN(), "DNS says the name does not exist"),
        (dns.exception.Timeout(), "did not answer in time"),
        (dns.resolver.NoNameservers(), "look-up for _rsm-verify.book.mystudio.com failed"),
    ],
)
def test_without_the_token_nothing_is_served_and_the_page_says_why(
    enterprise_a, dns_answers, answer, says
):
    domain = add(enterprise_a)
    dns_answers.answers[TXT_NAME] = answer

    domain = verify(domain)

    assert says in domain.last_error
    assert domain.verified_at is None
    assert domain.last_checked_at is not None
    assert not Domain.objects.filter(domain=HOST).exists()
    assert served() == 400


def test_a_waiting_domain_is_not_verified_on_a_plan_without_them(enterprise_a, dns_answers):
    domain = add(enterprise_a)
    dns_answers.answers[TXT_NAME] = [domain.token]
    on_plan(enterprise_a, "pro")

    with pytest.raises(FeatureNotInPlan):
        verify(domain)

    assert not Domain.objects.filter(domain=HOST).exists()


# --- serving -----------------------------------------------------------------------------


def test_removing_it_stops_serving_it_at_once(enterprise_a, dns_answers):
    domain = verified_domain(enterprise_a, dns_answers)
    assert served() == 200  # and now the host is in the cache

    with schema_context(enterprise_a.schema_name):
        custom_domain_remove(domain=domain, by=User.objects.get(email=STUDIO_A.owner_email))

    assert served() == 400
    assert not CustomDomain.objects.exists()
    assert not Domain.objects.filter(domain=HOST).exists()
    assert served(STUDIO_A.host) == 200
    with schema_context(enterprise_a.schema_name):
        assert AuditEntry.objects.filter(action="custom_domain.removed").count() == 1


def test_djangos_own_host_check_follows_the_verified_domains(enterprise_a, dns_answers, rf):
    from django.conf import settings
    from django.http.request import validate_host

    domain = add(enterprise_a)
    assert not validate_host(HOST, settings.ALLOWED_HOSTS)

    dns_answers.answers[TXT_NAME] = [domain.token]
    domain = verify(domain)
    assert validate_host(HOST, settings.ALLOWED_HOSTS)
    assert rf.get("/", HTTP_HOST=HOST).get_host() == HOST

    with schema_context(enterprise_a.schema_name):
        custom_domain_remove(domain=domain, by=User.objects.get(email=STUDIO_A.owner_email))
    assert not validate_host(HOST, settings.ALLOWED_HOSTS)


def test_a_studio_moved_to_a_plan_without_them_stops_serving_them(enterprise_a, dns_answers):
    verified_domain(enterprise_a, dns_answers)
    assert served() == 200

    on_plan(enterprise_a, "pro")
    assert served() == 400
    assert CustomDomain.objects.filter(hostname=HOST, verified_at__isnull=False).exists()

    on_plan(enterprise_a, "enterprise")
    assert served() == 200


def test_a_client_signs_in_to_the_portal_on_the_custom_domain(enterprise_a, dns_answers):
    verified_domain(enterprise_a, dns_answers)
    with schema_context(enterprise_a.schema_name):
        client = StudioClient.objects.create(name="Ada", email="ada@example.com")
        portal_account_make(client=client, email="ada@example.com")
    browser = Browser(HTTP_HOST=HOST, enforce_csrf_checks=True)
    browser.get("/sign-in/")
    token = browser.cookies["csrftoken"].value

    response = browser.post(
        "/sign-in/",
        {
            "csrfmiddlewaretoken": token,
            "password-email": "ada@example.com",
            "password-password": CLIENT_PASSWORD,
        },
        HTTP_ORIGIN=f"http://{HOST}",
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert browser.get("/").context["request"].user.is_authenticated


# --- the daily re-check ------------------------------------------------------------------


def test_the_daily_check_verifies_waiting_domains_and_drops_vanished_ones(
    enterprise_a, dns_answers
):
    waiting = add(enterprise_a)
    gone = verified_domain(enterprise_a, dns_answers, "studio.mystudio.com")
    dns_answers.answers[waiting.txt_name] = [waiting.token]
    dns_answers.answers[gone.txt_name] = dns.resolver.NXDOMAIN()
    assert served("studio.mystudio.com") == 200

    counts = custom_domains_recheck()

    assert counts == {"checked": 2, "served": 1, "waiting": 0, "unverified": 1, "skipped": 0}
    assert served(HOST) == 200
    assert served("studio.mystudio.com") == 400
    gone.refresh_from_db()
    assert gone.verified_at is None
    assert "no longer served" in gone.last_error
    entry = PlatformAuditEntry.objects.get(action="custom_domain.unverified")
    assert entry.object_repr == "studio.mystudio.com"


def test_a_dns_timeout_never_unverifies_a_domain(enterprise_a, dns_answers):
    domain = verified_domain(enterprise_a, dns_answers)
    dns_answers.answers[TXT_NAME] = dns.exception.Timeout()

    custom_domains_recheck()

    domain.refresh_from_db()
    assert domain.verified_at is not None
    assert "did not answer in time" in domain.last_error
    assert served() == 200


def test_the_daily_check_skips_waiting_domains_of_studios_without_the_feature(
    enterprise_a, dns_answers
):
    domain = add(enterprise_a)
    dns_answers.answers[TXT_NAME] = [domain.token]
    on_plan(enterprise_a, "pro")

    assert custom_domains_recheck()["skipped"] == 1
    assert not Domain.objects.filter(domain=HOST).exists()


# --- the page ----------------------------------------------------------------------------


@pytest.fixture
def cast(studio_a, studio_b):
    """Studio A's owner, manager and front desk, studio B's owner (its cookie on A's host),
    and an anonymous visitor, each with a browser on A's host."""
    browsers = {}
    with schema_context(studio_a.schema_name):
        people = {
            "owner": User.objects.get(email=STUDIO_A.owner_email),
            "manager": staff_user("manager@studio-a.example", "Manager"),
            "front desk": staff_user("desk@studio-a.example", "Front desk"),
        }
        for name, user in people.items():
            browsers[name] = Browser(HTTP_HOST=STUDIO_A.host)
            browsers[name].force_login(user, backend=MODEL_BACKEND)
    outsider = Browser(HTTP_HOST=STUDIO_B.host)
    with schema_context(studio_b.schema_name):
        outsider.force_login(User.objects.get(email=STUDIO_B.owner_email), backend=MODEL_BACKEND)
    browsers["studio B owner"] = Browser(HTTP_HOST=STUDIO_A.host)
    browsers["studio B owner"].cookies = outsider.cookies
    browsers["anonymous"] = Browser(HTTP_HOST=STUDIO_A.host)
    return browsers


def test_the_owner_adds_a_domain_and_sees_the_records_to_put_in_dns(cast, enterprise_a):
    response = cast["owner"].post(PAGE, {"action": "add", "hostname": "Book.MyStudio.com"})
    assert response.status_code == 302

    page = cast["owner"].get(PAGE).text
    domain = CustomDomain.objects.get()
    assert domain.hostname == HOST
    assert f'data-host="{HOST}" data-state="waiting"' in page
    assert TXT_NAME in page
    assert domain.token in page
    assert STUDIO_A.host in page  # the CNAME's target
    assert "was added" in page


def test_check_now_verifies_it_and_the_page_says_so(cast, enterprise_a, dns_answers):
    domain = add(enterprise_a)
    dns_answers.answers[TXT_NAME] = [domain.token]

    response = cast["owner"].post(PAGE, {"action": "check", "domain": domain.pk}, follow=True)

    assert 'data-state="verified"' in response.text
    assert "is verified and serves your studio" in response.text
    assert served() == 200


def test_a_failed_check_shows_dnss_answer_as_text(cast, enterprise_a, dns_answers):
    domain = add(enterprise_a)
    dns_answers.answers[TXT_NAME] = ["<img src=x onerror=alert(1)>"]

    response = cast["owner"].post(PAGE, {"action": "check", "domain": domain.pk}, follow=True)

    assert 'data-state="error"' in response.text
    assert "<img src=x" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text


def test_the_owner_removes_a_domain_from_the_page(cast, enterprise_a, dns_answers):
    domain = verified_domain(enterprise_a, dns_answers)

    response = cast["owner"].post(PAGE, {"action": "remove", "domain": domain.pk}, follow=True)

    assert "was removed and is no longer served" in response.text
    assert not CustomDomain.objects.exists()
    assert served() == 400


def test_a_refusal_is_shown_on_the_page_and_writes_nothing(cast, enterprise_a):
    response = cast["owner"].post(PAGE, {"action": "add", "hostname": "10.0.0.1"}, follow=True)

    assert "is an IP address" in response.text
    assert not CustomDomain.objects.exists()


def test_a_manager_may_manage_domains_too(cast, enterprise_a):
    assert cast["manager"].get(PAGE).status_code == 200
    cast["manager"].post(PAGE, {"action": "add", "hostname": HOST})
    assert CustomDomain.objects.filter(hostname=HOST).exists()


def test_front_desk_staff_are_refused(cast, enterprise_a):
    assert cast["front desk"].get(PAGE).status_code == 403
    assert cast["front desk"].post(PAGE, {"action": "add", "hostname": HOST}).status_code == 403
    assert not CustomDomain.objects.exists()


@pytest.mark.parametrize("who", ["studio B owner", "anonymous"])
def test_people_who_are_not_this_studios_staff_are_sent_to_sign_in(cast, enterprise_a, who):
    for response in (
        cast[who].get(PAGE),
        cast[who].post(PAGE, {"action": "add", "hostname": HOST}),
    ):
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    assert not CustomDomain.objects.exists()


def test_a_studio_cannot_touch_another_studios_domain_through_its_page(
    cast, enterprise_a, studio_b, dns_answers
):
    theirs = verified_domain(on_plan(studio_b, "enterprise"), dns_answers, "studio-b.example.com")

    for action in ("check", "remove"):
        response = cast["owner"].post(PAGE, {"action": action, "domain": theirs.pk})
        assert response.status_code == 404
    assert theirs.hostname not in cast["owner"].get(PAGE).text
    assert CustomDomain.objects.filter(pk=theirs.pk, verified_at__isnull=False).exists()
    assert served("studio-b.example.com") == 200


def test_other_plans_see_what_it_is_and_where_to_upgrade(cast, studio_a):
    on_plan(studio_a, "pro")

    page = cast["owner"].get(PAGE).text

    assert 'data-in-plan="no"' in page
    assert "Custom domains are part of the Enterprise plan." in page
    assert "/admin/subscription/" in page
    assert 'name="hostname"' not in page


def test_the_sidebar_lists_it_for_those_who_may_change_settings(cast, enterprise_a):
    assert PAGE in cast["owner"].get("/admin/").text
    assert PAGE not in cast["front desk"].get("/admin/").text
