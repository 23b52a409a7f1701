"""Enterprise's feature list names custom domains and the audit-log export now that they are built.

Both are Enterprise's (Plan.custom_domains and Plan.audit_export, 0013): the two "Coming soon"
lines 0011 wrote for them become plain lines. Starter's and Pro's lists do not change: paying
the subscription by card, monthly or yearly, is the same on every plan and is said once on the
pricing page rather than on each list. As in 0009, 0011 and 0012, only the exact text 0011
wrote is replaced: a list an operator has edited since is left alone.
"""

from django.db import migrations

BEFORE = {
    # The list 0011 wrote (0012 left Enterprise's as it was).
    "enterprise": "Everything in Pro\nUnlimited staff\nClient portal with online booking and "
    "deposits by card\nInvoices paid by card in the portal\nWhite-label client portal: your "
    "studio's name only, no “powered by” line\nComing soon: the client portal on your own "
    "domain\nComing soon: audit trail export",
}

AFTER = {
    "enterprise": "Everything in Pro\nUnlimited staff\nClient portal with online booking and "
    "deposits by card\nInvoices paid by card in the portal\nWhite-label client portal: your "
    "studio's name only, no “powered by” line\nCustom domains, verified by DNS\nAudit-log "
    "export (CSV)",
}


def features_replace(apps, schema_editor, *, old: dict, new: dict) -> None:
    if schema_editor.connection.schema_name != "public":
        return
    Plan = apps.get_model("tenancy", "Plan")
    for slug, features in old.items():
        Plan.objects.filter(slug=slug, features=features).update(features=new[slug])


def forwards(apps, schema_editor):
    features_replace(apps, schema_editor, old=BEFORE, new=AFTER)


def backwards(apps, schema_editor):
    features_replace(apps, schema_editor, old=AFTER, new=BEFORE)


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0014_billing_schedule")]

    operations = [migrations.RunPython(forwards, backwards)]
