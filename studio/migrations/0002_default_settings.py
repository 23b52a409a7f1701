"""Every studio starts with sensible rules it can then change in the admin."""

import datetime
from decimal import Decimal

from django.db import migrations


def create_defaults(apps, schema_editor):
    StudioSettings = apps.get_model("studio", "StudioSettings")
    settings, created = StudioSettings.objects.get_or_create(singleton=True)
    if not created:
        return
    for weekday in range(6):  # Monday to Saturday, 10:00 to 22:00
        settings.hours.create(weekday=weekday, opens=datetime.time(10), closes=datetime.time(22))
    for hours, refund in ((168, Decimal("100")), (48, Decimal("50")), (0, Decimal("0"))):
        settings.tiers.create(min_hours_before=hours, refund_percent=refund)


class Migration(migrations.Migration):
    dependencies = [("studio", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
