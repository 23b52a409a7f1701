"""Reads for the marketing site's templates: plans, help, FAQ, footer, search, sign-in."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from wagtail.models import Page

from cms.models.help import HelpArticlePage, HelpCategory
from cms.models.snippets import FaqEntry, FaqTopic, FooterColumn, FooterLink
from siteconf.tenancy.models import Domain, Studio
from siteconf.tenancy.plans import Plan
from studio.money import money_format

SIGNUP_PATH = "/signup/"
UNLIMITED = "Unlimited"


def limit_display(value: int | None) -> str:
    return UNLIMITED if value is None else f"{value:,}"


@dataclass(frozen=True)
class PlanCard:
    name: str
    slug: str
    tagline: str
    price: str
    features: list[str]
    trial_days: int
    highlighted: bool
    signup_url: str
    limits: dict[str, str] = field(default_factory=dict)
    yearly_price: str = ""  # empty: the plan is billed monthly only
    yearly_saving: str = ""  # "2 months free", "save €58", or empty when a year saves nothing


def plan_cards() -> list[PlanCard]:
    """The public plans, as the pricing page shows them, read fresh on every request."""
    return [
        PlanCard(
            name=plan.name,
            slug=plan.slug,
            tagline=plan.tagline,
            price=money_format(plan.monthly_price, plan.currency, drop_zero_fraction=True),
            features=plan.feature_list,
            trial_days=plan.trial_days,
            highlighted=plan.highlighted,
            signup_url=f"{SIGNUP_PATH}?{urlencode({'plan': plan.slug})}",
            limits={
                "rooms": limit_display(plan.max_rooms),
                "sessions": limit_display(plan.max_sessions_per_month),
                "staff": limit_display(plan.max_staff),
            },
            yearly_price=money_format(plan.yearly_price, plan.currency, drop_zero_fraction=True)
            if plan.yearly_price is not None
            else "",
            yearly_saving=yearly_saving(plan),
        )
        for plan in Plan.objects.public()
    ]


def yearly_saving(plan: Plan) -> str:
    """What paying a year at once saves against twelve months, said from the plan's own prices
    (an operator who changes either price changes this line too): whole months when it is a
    whole number of them, else the amount; empty when a year saves nothing."""
    if plan.yearly_price is None or not plan.monthly_price:
        return ""
    saved = plan.monthly_price * 12 - plan.yearly_price
    if saved <= 0:
        return ""
    months = saved / plan.monthly_price
    if months == months.to_integral_value():
        count = int(months)
        return f"{count} month{'s' if count != 1 else ''} free"
    return f"save {money_format(saved, plan.currency, drop_zero_fraction=True)}"


def plan_comparison(plans: list[PlanCard]) -> list[tuple[str, list[tuple[str, bool]]]]:
    """Rows of the comparison table: a label, then (value, highlighted plan?) per plan."""
    rows = [
        ("Rooms", lambda plan: plan.limits["rooms"]),
        ("Sessions per month", lambda plan: plan.limits["sessions"]),
        ("Staff seats", lambda plan: plan.limits["staff"]),
        ("Free trial", lambda plan: f"{plan.trial_days} days"),
        ("Price per month", lambda plan: plan.price),
        ("Price per year", lambda plan: plan.yearly_price or "Monthly only"),
    ]
    return [(label, [(value(plan), plan.highlighted) for plan in plans]) for label, value in rows]


@dataclass(frozen=True)
class HelpSection:
    key: str
    label: str
    articles: list[HelpArticlePage]


def help_articles_by_category(index: Page) -> list[HelpSection]:
    """The index's live articles in category order (empty categories left out)."""
    articles = (
        HelpArticlePage.objects.live()
        .public()
        .child_of(index)
        .order_by("path")
        .only("title", "slug", "url_path", "category", "summary", "path", "depth")
    )
    by_key: dict[str, list[HelpArticlePage]] = {key: [] for key in HelpCategory.values}
    for article in articles:
        by_key.setdefault(article.category, []).append(article)
    labels = dict(HelpCategory.choices)
    return [
        HelpSection(key=key, label=labels.get(key, key), articles=items)
        for key, items in by_key.items()
        if items
    ]


def help_articles_search(query: str, *, limit: int) -> list[HelpArticlePage]:
    """Wagtail search (the database backend here) over live help articles, best match first."""
    return list(HelpArticlePage.objects.live().public().search(query)[:limit])


def page_search(query: str) -> list[Page]:
    """Every live page type, through Wagtail search, as specific pages."""
    return list(Page.objects.live().public().specific().search(query)[:100])


@dataclass(frozen=True)
class FaqSection:
    key: str
    label: str
    entries: list[FaqEntry]


def faq_by_topic() -> list[FaqSection]:
    labels = dict(FaqTopic.choices)
    entries: dict[str, list[FaqEntry]] = {key: [] for key in FaqTopic.values}
    for entry in FaqEntry.objects.order_by("order", "question"):
        entries.setdefault(entry.topic, []).append(entry)
    return [
        FaqSection(key=key, label=labels.get(key, key), entries=items)
        for key, items in entries.items()
        if items
    ]


def footer_columns() -> list[tuple[str, list[FooterLink]]]:
    labels = dict(FooterColumn.choices)
    columns: dict[str, list[FooterLink]] = {key: [] for key in FooterColumn.values}
    for link in FooterLink.objects.order_by("order", "label"):
        columns.setdefault(link.column, []).append(link)
    return [(labels.get(key, key), links) for key, links in columns.items() if links]


def contact_recipients(to_address: str = "") -> list[str]:
    """Where contact-form messages go: the page's own addresses if an editor set them, else
    PLATFORM_ADMIN_EMAILS, else ADMINS, else DEFAULT_FROM_EMAIL (never nowhere)."""
    given = [address.strip() for address in to_address.split(",") if address.strip()]
    if given:
        return given
    platform_admins = list(getattr(settings, "PLATFORM_ADMIN_EMAILS", None) or [])
    if platform_admins:
        return platform_admins
    admins = [
        admin[1] if isinstance(admin, list | tuple) else admin
        for admin in getattr(settings, "ADMINS", None) or []
    ]
    return admins or [settings.DEFAULT_FROM_EMAIL]


def studio_sign_in_url(given: str) -> str | None:
    """The back-office sign-in URL of the studio someone typed (its sub-domain, its address or
    a link into it), or None when there is no such studio."""
    text = given.strip().lower()
    host = (urlsplit(text if "//" in text else f"//{text}").hostname or "").strip(".")
    if not host:
        return None
    domain = Domain.objects.select_related("tenant").filter(domain=host).first()
    studio = domain.tenant if domain else None
    if studio is None and "." not in host:
        studio = Studio.objects.studios().filter(slug=host).first()
    if studio is None or studio.kind != Studio.Kind.STUDIO:
        return None
    return studio.url_for("/admin/login/")
