from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

PLANS = [
    {
        "name": "Starter",
        "slug": "starter",
        "tagline": "One room, run properly.",
        "monthly_price": Decimal("29"),
        "max_rooms": 1,
        "max_sessions_per_month": 50,
        "max_staff": 3,
        "order": 1,
        "features": "1 room\nUp to 50 sessions a month\n3 staff accounts\nCalendar, clients and "
        "gear\nQuotes, invoices and PDFs\nCSV and Excel import",
    },
    {
        "name": "Pro",
        "slug": "pro",
        "tagline": "For busy multi-room studios.",
        "monthly_price": Decimal("99"),
        "max_rooms": None,
        "max_sessions_per_month": None,
        "max_staff": 10,
        "order": 2,
        "highlighted": True,
        "features": "Unlimited rooms and sessions\n10 staff accounts\nClient portal with card "
        "payments\nContracts and e-signature\nReminders and receivables",
    },
    {
        "name": "Enterprise",
        "slug": "enterprise",
        "tagline": "Several rooms, several brands.",
        "monthly_price": Decimal("299"),
        "max_rooms": None,
        "max_sessions_per_month": None,
        "max_staff": None,
        "order": 3,
        "features": "Everything in Pro\nUnlimited staff\nWhite-label portal\nCustom domain\n"
        "Audit trail export",
    },
]


def plans_create(apps, schema_editor):
    if schema_editor.connection.schema_name != "public":
        return
    Plan = apps.get_model("tenancy", "Plan")
    for plan in PLANS:
        Plan.objects.get_or_create(slug=plan["slug"], defaults=plan)


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0003_daily_schedule")]

    operations = [
        migrations.CreateModel(
            name="Plan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=40, unique=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=40, unique=True, verbose_name="slug")),
                ("tagline", models.CharField(blank=True, max_length=120, verbose_name="tagline")),
                (
                    "monthly_price",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=8,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="monthly price",
                    ),
                ),
                (
                    "currency",
                    models.CharField(default="EUR", max_length=3, verbose_name="currency"),
                ),
                (
                    "max_rooms",
                    models.PositiveIntegerField(
                        blank=True, help_text="Empty: unlimited.", null=True, verbose_name="rooms"
                    ),
                ),
                (
                    "max_sessions_per_month",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Empty: unlimited.",
                        null=True,
                        verbose_name="sessions per month",
                    ),
                ),
                (
                    "max_staff",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Empty: unlimited.",
                        null=True,
                        verbose_name="staff seats",
                    ),
                ),
                (
                    "features",
                    models.TextField(
                        blank=True,
                        help_text="One per line, as shown on the pricing page.",
                        verbose_name="features",
                    ),
                ),
                (
                    "trial_days",
                    models.PositiveSmallIntegerField(default=14, verbose_name="free trial (days)"),
                ),
                (
                    "is_public",
                    models.BooleanField(default=True, verbose_name="on the pricing page"),
                ),
                ("highlighted", models.BooleanField(default=False, verbose_name="highlighted")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
            ],
            options={"ordering": ["order", "monthly_price"]},
        ),
        migrations.AddField(
            model_name="studio",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="studios",
                to="tenancy.plan",
            ),
        ),
        migrations.AddField(
            model_name="studio",
            name="subscription_status",
            field=models.CharField(
                choices=[
                    ("trialing", "Free trial"),
                    ("active", "Active"),
                    ("past_due", "Payment overdue"),
                    ("read_only", "Read-only (lapsed)"),
                ],
                default="trialing",
                max_length=10,
                verbose_name="subscription",
            ),
        ),
        migrations.AddField(
            model_name="studio",
            name="trial_ends_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="trial ends"),
        ),
        migrations.RunPython(plans_create, migrations.RunPython.noop),
    ]
