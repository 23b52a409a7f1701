"""The plans' feature lists name the client portal now that it is built.

Pro and Enterprise take online bookings with the deposit paid by card into the studio's own
Stripe account; Starter's portal takes booking requests without a card (Plan.card_payments,
0007). Paying invoices by card in the portal is not built yet and stays "Coming soon". As in
0006, a list an operator has edited since is left alone: only the text 0004/0006 wrote is
replaced.
"""

from django.db import migrations

BEFORE = {
    # Starter's lines are still those 0004 seeded; Pro's and Enterprise's those 0006 wrote.
    "starter": "1 room\nUp to 50 sessions a month\n3 staff accounts\nCalendar, clients and "
    "gear\nQuotes, invoices and PDFs\nCSV and Excel import",
    "pro": "Unlimited rooms and sessions\n10 staff accounts\nContracts from your templates, "
    "signed on paper\nReminders and receivables\nComing soon: client portal with online "
    "booking and card payments",
    "enterprise": "Everything in Pro\nUnlimited staff\nComing soon: white-label client portal "
    "on your own domain\nComing soon: audit trail export",
}

AFTER = {
    "starter": "1 room\nUp to 50 sessions a month\n3 staff accounts\nCalendar, clients and "
    "gear\nQuotes, invoices and PDFs\nCSV and Excel import\nClient portal: booking requests "
    "online, without a card",
    "pro": "Unlimited rooms and sessions\n10 staff accounts\nClient portal with online "
    "booking\nDeposits by card, paid into your own Stripe account\nContracts from your "
    "templates, signed on paper\nReminders and receivables\nComing soon: invoices paid by "
    "card in the portal",
    "enterprise": "Everything in Pro\nUnlimited staff\nClient portal with online booking and "
    "deposits by card\nComing soon: white-label client portal on your own domain\nComing "
    "soon: audit trail export",
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
    dependencies = [("tenancy", "0008_minute_schedule")]

    operations = [migrations.RunPython(forwards, backwards)]
