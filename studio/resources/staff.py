from __future__ import annotations

from import_export import fields

from studio.imports.columns import Column
from studio.models import Engineer
from studio.resources.base import NameMatchedResource
from studio.resources.cells import bool_column, decimal_column, id_column
from studio.resources.export import PlainWidget


class EngineerResource(NameMatchedResource):
    key = "engineers"
    title = "Engineers"
    what = "engineer"
    money_fields = ("hourly_rate",)
    sample = "engineers.csv"
    import_columns = (
        id_column(),
        Column(
            "name", "Name", ("Engineer", "Full name", "Staff", "Nom", "Ingénieur"), required=True
        ),
        decimal_column("hourly_rate", "Hourly rate", ("Rate", "Tarif horaire")),
        Column("specialties", "Specialties", ("Skills", "Specialities", "Role", "Spécialités")),
        Column("colour", "Colour", ("Color", "Couleur")),
        bool_column("is_active", "Active", ("In use", "Enabled")),
    )

    id = fields.Field(attribute="id", column_name="Studio Manager ID")
    name = fields.Field(attribute="name", column_name="Name")
    hourly_rate = fields.Field(
        attribute="hourly_rate", column_name="Hourly rate", widget=PlainWidget()
    )
    specialties = fields.Field(attribute="specialties", column_name="Specialties")
    colour = fields.Field(attribute="colour", column_name="Colour")
    is_active = fields.Field(attribute="is_active", column_name="Active", widget=PlainWidget())

    class Meta:
        model = Engineer
        fields = ("id", "name", "hourly_rate", "specialties", "colour", "is_active")
        export_order = fields
