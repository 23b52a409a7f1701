"""The plans' feature lists name projects and mix review now that they are built.

Every plan gets them: projects on the studio's own board, tracks, credits and split sheets, and
mixes reviewed by the client in the portal. Masters are released to the client once the
project's invoices are paid in full — paid by card in the portal on Pro and Enterprise, or by
a bank transfer or cash your team records on any plan — so that line is on every plan too.
Enterprise's list starts with "Everything in Pro" and is left as it is. As in 0009 and 0011,
only the text 0011 wrote is replaced: a list an operator has edited since is left alone.
"""

from django.db import migrations

PROJECTS = (
    "\nProjects, tracks, credits and split sheets\nMixes reviewed and approved in the portal, "
    "masters released once the invoices are paid"
)

BEFORE = {
    # The lists 0011 wrote.
    "starter": "1 room\nUp to 50 sessions a month\n3 staff accounts\nCalendar, clients and "
    "gear\nQuotes, invoices and PDFs\nCSV and Excel import\nClient portal: booking requests "
    "online, without a card\nQuotes accepted and contracts signed in the portal, invoices "
    "downloaded from it",
    "pro": "Unlimited rooms and sessions\n10 staff accounts\nClient portal with online "
    "booking\nDeposits by card, paid into your own Stripe account\nInvoices paid by card in "
    "the portal\nQuotes accepted and contracts signed in the portal\nContracts from your "
    "templates, signed in the portal or on paper\nReminders and receivables",
}

AFTER = {slug: features + PROJECTS for slug, features in BEFORE.items()}


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
    dependencies = [("tenancy", "0011_plan_features_documents")]

    operations = [migrations.RunPython(forwards, backwards)]
