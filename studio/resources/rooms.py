from __future__ import annotations

from import_export import fields

from studio.imports.columns import Column
from studio.models import Room
from studio.resources.base import NameMatchedResource
from studio.resources.cells import bool_column, decimal_column, id_column, int_column
from studio.resources.export import PlainWidget


class RoomResource(NameMatchedResource):
    plan_limit = "rooms"
    key = "rooms"
    title = "Rooms"
    what = "room"
    money_fields = ("hourly_rate",)
    sample = "rooms.csv"
    import_columns = (
        id_column(),
        Column("name", "Name", ("Room", "Room name", "Salle", "Studio", "Raum"), required=True),
        Column("description", "Description", ("Details",)),
        int_column("capacity", "Capacity", ("People", "Max people", "Capacité")),
        decimal_column("hourly_rate", "Hourly rate", ("Rate", "Price per hour", "Tarif horaire")),
        int_column("min_minutes", "Minimum booking (minutes)", ("Minimum minutes", "Min booking")),
        int_column(
            "buffer_minutes", "Changeover (minutes)", ("Buffer", "Changeover", "Buffer minutes")
        ),
        bool_column("bookable_online", "Bookable online", ("Online", "Online booking")),
        Column("colour", "Colour", ("Color", "Couleur")),
        bool_column("is_active", "In use", ("Active", "Enabled")),
    )

    id = fields.Field(attribute="id", column_name="Studio Manager ID")
    name = fields.Field(attribute="name", column_name="Name")
    description = fields.Field(attribute="description", column_name="Description")
    capacity = fields.Field(attribute="capacity", column_name="Capacity")
    hourly_rate = fields.Field(
        attribute="hourly_rate", column_name="Hourly rate", widget=PlainWidget()
    )
    min_minutes = fields.Field(attribute="min_minutes", column_name="Minimum booking (minutes)")
    buffer_minutes = fields.Field(attribute="buffer_minutes", column_name="Changeover (minutes)")
    bookable_online = fields.Field(
        attribute="bookable_online", column_name="Bookable online", widget=PlainWidget()
    )
    colour = fields.Field(attribute="colour", column_name="Colour")
    is_active = fields.Field(attribute="is_active", column_name="In use", widget=PlainWidget())

    class Meta:
        model = Room
        fields = (
            "id",
            "name",
            "description",
            "capacity",
            "hourly_rate",
            "min_minutes",
            "buffer_minutes",
            "bookable_online",
            "colour",
            "is_active",
        )
        export_order = fields
