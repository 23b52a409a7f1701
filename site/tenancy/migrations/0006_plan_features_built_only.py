"""The plans' feature lists name only what is built; what is not is marked "Coming soon".

0004 seeded the Pro and Enterprise lists with a client portal, card payments, e-signature,
white-label, a custom domain and an audit trail export, none of which exists yet. A list an
operator has edited since is left alone: only the text 0004 wrote is replaced.
"""

from django.db import migrations

SEEDED = {
    "pro": "Unlimited rooms and sessions\n10 staff accounts\nClient portal with card "
    "payments\nContracts and e-signature\nReminders and receivables",
    "enterprise": "Everything in Pro\nUnlimited staff\nWhite-label portal\nCustom domain\n"
    "Audit trail export",
}

HONEST = {
    "pro": "Unlimited rooms and sessions\n10 staff accounts\nContracts from your templates, "
    "signed on paper\nReminders and receivables\nComing soon: client portal with online "
    "booking and card payments",
    "enterprise": "Everything in Pro\nUnlimited staff\nComing soon: white-label client portal "
    "on your own domain\nComing soon: audit trail export",
}


def features_replace(apps, schema_editor, *, old: dict, new: dict) -> None:
    if schema_editor.connection.schema_name != "public":
        return
    Plan = apps.get_model("tenancy", "Plan")
    for slug, features in old.items():
        Plan.objects.filter(slug=slug, features=features).update(features=new[slug])


def forwards(apps, schema_editor):
    features_replace(apps, schema_editor, old=SEEDED, new=HONEST)


def backwards(apps, schema_editor):
    features_replace(apps, schema_editor, old=HONEST, new=SEEDED)


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0005_platform_audit")]

    operations = [migrations.RunPython(forwards, backwards)]
