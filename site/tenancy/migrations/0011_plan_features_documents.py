"""The plans' feature lists name the portal's documents now that they are built.

Clients pay invoices by card in the portal (Pro and Enterprise, which take card payments), and
on every plan they accept or decline quotes and sign contracts there. Enterprise's portal is
white-label (Plan.white_label, 0010); the portal on the studio's own domain and the audit trail
export are not built and stay "Coming soon". As in 0009, only the text 0009 wrote is replaced:
a list an operator has edited since is left alone.
"""

from django.db import migrations

BEFORE = {
    # The lists 0009 wrote.
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

AFTER = {
    "starter": "1 room\nUp to 50 sessions a month\n3 staff accounts\nCalendar, clients and "
    "gear\nQuotes, invoices and PDFs\nCSV and Excel import\nClient portal: booking requests "
    "online, without a card\nQuotes accepted and contracts signed in the portal, invoices "
    "downloaded from it",
    "pro": "Unlimited rooms and sessions\n10 staff accounts\nClient portal with online "
    "booking\nDeposits by card, paid into your own Stripe account\nInvoices paid by card in "
    "the portal\nQuotes accepted and contracts signed in the portal\nContracts from your "
    "templates, signed in the portal or on paper\nReminders and receivables",
    "enterprise": "Everything in Pro\nUnlimited staff\nClient portal with online booking and "
    "deposits by card\nInvoices paid by card in the portal\nWhite-label client portal: your "
    "studio's name only, no “powered by” line\nComing soon: the client portal on your own "
    "domain\nComing soon: audit trail export",
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
    dependencies = [("tenancy", "0010_plan_white_label")]

    operations = [migrations.RunPython(forwards, backwards)]
