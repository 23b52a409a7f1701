"""What a studio's plan includes: the one place that decides.

Each feature is a flag on the Plan row (edited in the platform admin), so the pricing page and
every check read the same table. Code that offers or performs a feature asks `studio_has()`
to show it or `feature_check()` to refuse it; nothing else reads the flags, which a test
keeps true (tests/tenancy/test_features.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.urls import NoReverseMatch, reverse
from django_tenants.utils import get_public_schema_name

from siteconf.tenancy.models import Studio
from siteconf.tenancy.plans import Plan
from studio.services.errors import StudioError


@dataclass(frozen=True)
class Feature:
    name: str
    label: str
    # The label is a plural noun ("Custom domains are …") or not ("Audit-log export is …").
    plural: bool = False

    @property
    def field(self) -> str:
        """The Plan flag that holds it: the same name, so the admin's form and this agree."""
        return self.name


FEATURES: dict[str, Feature] = {
    feature.name: feature
    for feature in (
        Feature("card_payments", "Card payments in the portal", plural=True),
        Feature("white_label", "The white-label portal"),
        Feature("custom_domains", "Custom domains", plural=True),
        Feature("audit_export", "Audit-log export"),
    )
}

SUBSCRIPTION_PATH = "/admin/subscription/"


class FeatureNotInPlan(StudioError):
    """The studio's plan does not include the feature; the message names the plans that do."""

    def __init__(self, message: str, *, feature: str):
        super().__init__(message)
        self.feature = feature


def feature_get(feature: str) -> Feature:
    try:
        return FEATURES[feature]
    except KeyError:
        # A typo here would silently switch a feature off for everyone: fail loudly instead.
        raise ValueError(
            f"Unknown plan feature {feature!r}; known: {', '.join(FEATURES)}."
        ) from None


def current_studio() -> Studio | None:
    """The studio the connection is on (None on the platform). A request's tenant is the
    Studio itself; a task or command inside `schema_context` only knows the schema's name."""
    schema = connection.schema_name
    if schema == get_public_schema_name():
        return None
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Studio) and tenant.schema_name == schema:
        return tenant
    return Studio.objects.filter(schema_name=schema).first()


def studio_has(feature: str, studio: Studio | None = None) -> bool:
    """Whether the studio's plan (the current studio's, without one) includes `feature`.

    The flag is read from the Plan row, not from a plan object the studio may carry from a
    cache (the host lookup keeps studios for minutes): an operator who turns a feature off
    in the platform admin turns it off at once.
    """
    field = feature_get(feature).field
    studio = studio if studio is not None else current_studio()
    if studio is None or studio.plan_id is None:
        return False
    return Plan.objects.filter(pk=studio.plan_id, **{field: True}).exists()


def plan_has(feature: str, plan: Plan | None) -> bool:
    """Whether `plan` includes `feature` (a plan a studio is about to move to, say)."""
    field = feature_get(feature).field
    return plan is not None and bool(getattr(plan, field))


def plans_with(feature: str) -> list[Plan]:
    """The public plans that include `feature`, in the pricing page's order."""
    return list(Plan.objects.public().filter(**{feature_get(feature).field: True}))


def subscription_url(studio: Studio | None) -> str:
    """Settings → Subscription on the studio's own domain, where its owner changes plan."""
    try:
        path = reverse("admin:subscription", urlconf="siteconf.urls_tenant")
    except NoReverseMatch:
        path = SUBSCRIPTION_PATH
    return studio.url_for(path) if studio is not None else path


def _names(plans: list[Plan]) -> str:
    names = [plan.name for plan in plans]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def feature_plans_sentence(feature: str) -> str:
    """“Custom domains are part of the Enterprise plan.”, naming the plans from the table, so
    a plan edited in the platform admin reads right everywhere it is offered."""
    spec = feature_get(feature)
    verb = "are" if spec.plural else "is"
    plans = plans_with(feature)
    if not plans:
        return f"{spec.label} {verb} not part of any plan on sale."
    noun = "plans" if len(plans) > 1 else "plan"
    return f"{spec.label} {verb} part of the {_names(plans)} {noun}."


def feature_not_in_plan_message(feature: str, studio: Studio | None = None) -> str:
    """The refusal: which plans include the feature and where the owner upgrades."""
    studio = studio if studio is not None else current_studio()
    sentence = feature_plans_sentence(feature)
    if not plans_with(feature):
        return f"{sentence} Nothing was changed."
    return f"{sentence} Upgrade on Settings → Subscription: {subscription_url(studio)}"


def feature_check(feature: str, studio: Studio | None = None) -> None:
    """Refuse an action the studio's plan does not include, saying which plans do."""
    studio = studio if studio is not None else current_studio()
    if not studio_has(feature, studio):
        raise FeatureNotInPlan(feature_not_in_plan_message(feature, studio), feature=feature)
