"""Billing the studios: plans' yearly prices and Stripe prices, the subscription's history,
billing e-mails sent once, custom domains.

Seeded plans get a yearly price of ten months; Enterprise gets custom domains and audit-log
export. Every existing studio gets one history row: its state since it was created.
"""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import siteconf.tenancy.billing
from django.db import migrations, models


YEARLY = {"starter": Decimal("290"), "pro": Decimal("990"), "enterprise": Decimal("2990")}


def forwards(apps, schema_editor):
    if schema_editor.connection.schema_name != "public":
        return
    Plan = apps.get_model("tenancy", "Plan")
    Studio = apps.get_model("tenancy", "Studio")
    SubscriptionChange = apps.get_model("tenancy", "SubscriptionChange")
    for slug, price in YEARLY.items():
        Plan.objects.filter(slug=slug, yearly_price__isnull=True).update(yearly_price=price)
    Plan.objects.filter(slug="enterprise").update(custom_domains=True, audit_export=True)
    for studio in Studio.objects.filter(kind="studio").select_related("plan"):
        plan = studio.plan
        paying = studio.subscription_status in ("active", "past_due") and plan is not None
        SubscriptionChange.objects.create(
            studio=studio,
            at=studio.created_at,
            status=studio.subscription_status,
            plan=plan,
            interval="month" if paying else "",
            mrr=plan.monthly_price if paying else Decimal("0"),
            currency=plan.currency if plan else "EUR",
            source="operator",
            note="state when billing began",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0012_plan_features_projects"),
    ]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="audit_export",
            field=models.BooleanField(
                default=False,
                help_text="The studio downloads its audit trail as CSV.",
                verbose_name="audit-log export",
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="custom_domains",
            field=models.BooleanField(
                default=False,
                help_text="The studio serves its portal on its own domain, once its DNS is verified.",
                verbose_name="custom domains",
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="grace_days",
            field=models.PositiveSmallIntegerField(
                default=7,
                help_text="How long a studio whose payment is overdue keeps working before it turns read-only.",
                verbose_name="grace period (days)",
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="stripe_product_id",
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.AddField(
            model_name="plan",
            name="yearly_price",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Empty: monthly billing only.",
                max_digits=8,
                null=True,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                verbose_name="yearly price",
            ),
        ),
        migrations.AddField(
            model_name="studio",
            name="billing_synced_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="studio",
            name="cancel_at_period_end",
            field=models.BooleanField(default=False, verbose_name="cancels at the period's end"),
        ),
        migrations.AddField(
            model_name="studio",
            name="card_label",
            field=models.CharField(blank=True, max_length=60, verbose_name="card"),
        ),
        migrations.AddField(
            model_name="studio",
            name="current_period_end",
            field=models.DateTimeField(blank=True, null=True, verbose_name="paid until"),
        ),
        migrations.AddField(
            model_name="studio",
            name="past_due_since",
            field=models.DateTimeField(blank=True, null=True, verbose_name="overdue since"),
        ),
        migrations.AddField(
            model_name="studio",
            name="read_only_since",
            field=models.DateTimeField(blank=True, null=True, verbose_name="read-only since"),
        ),
        migrations.AddField(
            model_name="studio",
            name="stripe_customer_id",
            field=models.CharField(blank=True, max_length=60, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="studio",
            name="stripe_subscription_id",
            field=models.CharField(blank=True, max_length=60, null=True, unique=True),
        ),
        migrations.CreateModel(
            name="CustomDomain",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("hostname", models.CharField(max_length=253, unique=True, verbose_name="domain")),
                (
                    "token",
                    models.CharField(
                        default=siteconf.tenancy.billing._token, editable=False, max_length=80
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("verified_at", models.DateTimeField(blank=True, null=True)),
                ("last_checked_at", models.DateTimeField(blank=True, null=True)),
                ("last_error", models.CharField(blank=True, max_length=300)),
                (
                    "studio",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="custom_domains",
                        to="tenancy.studio",
                    ),
                ),
            ],
            options={
                "verbose_name": "custom domain",
                "ordering": ["hostname"],
            },
        ),
        migrations.CreateModel(
            name="PlanPrice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "interval",
                    models.CharField(
                        choices=[("month", "Monthly"), ("year", "Yearly")], max_length=5
                    ),
                ),
                ("amount", models.DecimalField(decimal_places=2, max_digits=8)),
                ("currency", models.CharField(max_length=3)),
                ("stripe_price_id", models.CharField(max_length=60, unique=True)),
                ("is_current", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="prices",
                        to="tenancy.plan",
                    ),
                ),
            ],
            options={
                "ordering": ["plan", "interval", "-created_at"],
            },
        ),
        migrations.AddField(
            model_name="studio",
            name="price",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="studios",
                to="tenancy.planprice",
            ),
        ),
        migrations.CreateModel(
            name="SubscriptionChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(verbose_name="from")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("trialing", "Free trial"),
                            ("active", "Active"),
                            ("past_due", "Payment overdue"),
                            ("read_only", "Read-only (lapsed)"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "interval",
                    models.CharField(
                        blank=True, choices=[("month", "Monthly"), ("year", "Yearly")], max_length=5
                    ),
                ),
                ("mrr", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=10)),
                ("currency", models.CharField(default="EUR", max_length=3)),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("signup", "Sign-up"),
                            ("webhook", "Stripe event"),
                            ("daily", "Daily check"),
                            ("owner", "Studio owner"),
                            ("operator", "Platform operator"),
                        ],
                        max_length=10,
                    ),
                ),
                ("event_id", models.CharField(blank=True, max_length=120)),
                ("note", models.CharField(blank=True, max_length=200)),
                (
                    "plan",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="tenancy.plan",
                    ),
                ),
                (
                    "studio",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="subscription_changes",
                        to="tenancy.studio",
                    ),
                ),
            ],
            options={
                "ordering": ["studio", "at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="BillingNotice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("trial_3d", "Trial ends in 3 days"),
                            ("trial_1d", "Trial ends tomorrow"),
                            ("trial_ended", "Trial ended without a card"),
                            ("payment_failed", "Payment failed"),
                            ("dunning", "Payment still overdue"),
                            ("read_only", "Studio is read-only"),
                            ("reactivated", "Studio is active again"),
                        ],
                        max_length=16,
                    ),
                ),
                ("key", models.CharField(max_length=60)),
                ("to", models.EmailField(blank=True, max_length=254)),
                ("created_at", models.DateTimeField()),
                (
                    "studio",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="billing_notices",
                        to="tenancy.studio",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("studio", "kind", "key"), name="billing_notice_once"
                    )
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="planprice",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_current", True)),
                fields=("plan", "interval"),
                name="plan_price_one_current",
            ),
        ),
        migrations.AddConstraint(
            model_name="planprice",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gte", 0)), name="plan_price_amount"
            ),
        ),
        migrations.AddIndex(
            model_name="subscriptionchange",
            index=models.Index(fields=["studio", "at"], name="subscription_change_studio_at"),
        ),
        migrations.AddConstraint(
            model_name="subscriptionchange",
            constraint=models.CheckConstraint(
                condition=models.Q(("mrr__gte", 0)), name="subscription_mrr"
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
