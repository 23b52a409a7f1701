"""Clients: matched by Studio Manager ID, then by e-mail (case-insensitive), then, for clients
without an e-mail, by a name only one such client has. Anything else is a new client."""

from __future__ import annotations

from import_export import fields, widgets

from studio.imports.columns import Column
from studio.imports.types import ImportContext, ImportRow
from studio.imports.values import choice_parser, parse_list, text
from studio.models import Client
from studio.resources.base import ModelRowsResource, by_id
from studio.resources.cells import id_column
from studio.selectors.clients import clients_by_email

KIND_SYNONYMS = {
    "artiste": "artist",
    "solo": "artist",
    "musician": "artist",
    "musicien": "artist",
    "group": "band",
    "groupe": "band",
    "gruppe": "band",
    "grupo": "band",
    "record label": "label",
    "maison de disques": "label",
    "société": "company",
    "entreprise": "company",
    "business": "company",
    "agency": "company",
    "agence": "company",
    "firma": "company",
    "empresa": "company",
}
TERMS_SYNONYMS = {"pay at booking": "independent", "30 days": "account", "po": "account"}


def _choice(choices, what, synonyms=None):
    parse = choice_parser(choices, what, synonyms)
    return lambda value, ctx: parse(value) or ""


def _country(value, ctx) -> str:
    return text(value).upper()


class TagsWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return ", ".join(value or [])


class ClientResource(ModelRowsResource):
    key = "clients"
    title = "Clients"
    sample = "clients.csv"
    import_columns = (
        id_column(),
        Column(
            "name",
            "Name",
            ("Full name", "Client", "Client name", "Contact", "Nom", "Nombre", "Nome"),
            required=True,
        ),
        Column("first_name", "First name", ("Given name", "Prénom", "Vorname", "Firstname")),
        Column("last_name", "Last name", ("Surname", "Family name", "Nom de famille", "Nachname")),
        Column("artist_name", "Artist name", ("Artist", "Band", "Stage name", "Act", "Groupe")),
        Column(
            "email",
            "E-mail",
            ("Email", "Email address", "E-mail address", "Mail", "Courriel", "Correo"),
        ),
        Column(
            "phone",
            "Phone",
            ("Telephone", "Phone number", "Mobile", "Tel", "Téléphone", "Telefon", "Teléfono"),
        ),
        Column("address", "Address", ("Postal address", "Adresse", "Dirección", "Street")),
        Column("country", "Country", ("Country code", "Pays", "Land", "País"), parse=_country),
        Column(
            "kind",
            "Type",
            ("Kind", "Client type"),
            parse=_choice(Client.Kind.choices, "client type", KIND_SYNONYMS),
        ),
        Column("vat_number", "VAT number", ("VAT", "VAT ID", "Tax ID", "TVA", "USt-IdNr")),
        Column("tags", "Tags", ("Labels", "Genres"), parse=lambda v, c: parse_list(v, c.locale)),
        Column(
            "terms",
            "Terms",
            ("Payment terms",),
            parse=_choice(Client.Terms.choices, "payment terms", TERMS_SYNONYMS),
        ),
        Column("notes", "Notes", ("Comments", "Remarks", "Remarques", "Notizen")),
    )
    alternatives = {"name": ("first_name", "last_name", "artist_name")}
    extra_keys = ("id", "first_name", "last_name")

    # Export: the same columns, under the same labels.
    id = fields.Field(attribute="id", column_name="Studio Manager ID")
    name = fields.Field(attribute="name", column_name="Name")
    artist_name = fields.Field(attribute="artist_name", column_name="Artist name")
    email = fields.Field(attribute="email", column_name="E-mail")
    phone = fields.Field(attribute="phone", column_name="Phone")
    address = fields.Field(attribute="address", column_name="Address")
    country = fields.Field(attribute="country", column_name="Country")
    kind = fields.Field(attribute="kind", column_name="Type")
    vat_number = fields.Field(attribute="vat_number", column_name="VAT number")
    tags = fields.Field(attribute="tags", column_name="Tags", widget=TagsWidget())
    terms = fields.Field(attribute="terms", column_name="Terms")
    notes = fields.Field(attribute="notes", column_name="Notes")

    class Meta:
        model = Client
        fields = (
            "id",
            "name",
            "artist_name",
            "email",
            "phone",
            "address",
            "country",
            "kind",
            "vat_number",
            "tags",
            "terms",
            "notes",
        )
        export_order = fields

    def prepare(self, row: ImportRow, ctx: ImportContext) -> None:
        values = row.values
        has = ctx.match.has if ctx.match else (lambda key: False)
        if has("name") and has("first_name") and not has("last_name"):
            # "Nom" beside "Prénom" (or Name beside First name) holds the family name.
            values["name"] = " ".join(
                p for p in (values.get("first_name"), values.get("name")) if p
            )
        if not values.get("name"):
            joined = " ".join(
                p for p in (values.get("first_name"), values.get("last_name")) if p
            ).strip()
            values["name"] = joined or values.get("artist_name", "")

    def existing(self, rows: list[ImportRow], ctx: ImportContext) -> list[Client | None]:
        self._seen_email, self._seen_id = {}, {}
        if not Client.objects.exists() and not (ctx.match and ctx.match.has("id")):
            # A studio moving in: nothing to match against, every row is new (and each row is
            # parsed as it is checked, while the earlier ones are being stored).
            return [None] * len(rows)
        ctx.parse_all(rows)
        by_pk = by_id(rows, Client, "client")
        by_email = clients_by_email(r.values.get("email") for r in rows if r.ok)
        nameless = sorted(
            {
                r.values["name"].lower()
                for r in rows
                if r.ok
                and not r.values.get("email")
                and not r.values.get("id")
                and r.values.get("name")
            }
        )
        by_name: dict[str, Client | None] = {}
        for client in Client.objects.raw(
            "SELECT *, lower(name) AS name_lower FROM studio_client "
            "WHERE email = '' AND lower(name) = ANY(string_to_array(%s, chr(31)))",
            ["\x1f".join(nameless)],
        ):
            # Two clients share that name: too ambiguous to update either.
            by_name[client.name_lower] = None if client.name_lower in by_name else client
        result: list[Client | None] = []
        for row in rows:
            match = None
            if row.ok:
                email, pk = row.values.get("email", "").lower(), row.values.get("id")
                if pk:
                    match = by_pk.get(pk)
                    other = by_email.get(email) if email else None
                    if match and other and other.pk != match.pk:
                        row.fail(
                            f"This e-mail already belongs to {other} (ID {other.pk}).", "email"
                        )
                elif email:
                    match = by_email.get(email)
                elif row.values.get("name"):
                    match = by_name.get(row.values["name"].lower())
            result.append(match)
        return result

    def check_row(self, row: ImportRow, ctx: ImportContext) -> None:
        email, pk = row.values.get("email", "").lower(), row.values.get("id")
        if email:
            first = self._seen_email.setdefault(email, row.line)
            if first != row.line:
                row.fail(f"This e-mail is already on line {first}; list each client once.", "email")
        if pk:
            first = self._seen_id.setdefault(pk, row.line)
            if first != row.line:
                row.fail(f"This ID is already on line {first}; list each client once.", "id")
