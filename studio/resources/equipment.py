"""Gear and its maintenance log. A piece of gear is matched by ID, or by make, model and serial
number; changing its status goes through equipment_status_set so upcoming sessions that
reserved it are flagged, exactly as when the status is changed in the admin."""

from __future__ import annotations

from django.db import transaction
from import_export import fields

from studio.imports.columns import Column
from studio.imports.types import NEW, SKIP, ImportContext, ImportRow
from studio.imports.values import fold, parse_int
from studio.models import Equipment, MaintenanceEntry, Room
from studio.resources.base import ModelRowsResource, StudioResource, by_id
from studio.resources.cells import choice_column, date_column, decimal_column, id_column
from studio.resources.export import PlainWidget
from studio.services.equipment import equipment_status_set, maintenance_record
from studio.services.errors import StudioError


class RoomNameWidget(PlainWidget):
    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class EquipmentResource(ModelRowsResource):
    key = "equipment"
    money_fields = ("purchase_price",)
    title = "Equipment"
    sample = "equipment.csv"
    import_columns = (
        id_column(),
        choice_column(
            "category", "Category", Equipment.Category.choices, "category", ("Type", "Catégorie")
        ),
        Column("make", "Make", ("Brand", "Manufacturer", "Marque", "Hersteller"), required=True),
        Column("model", "Model", ("Modèle", "Modell", "Product"), required=True),
        Column("serial", "Serial number", ("Serial", "S/N", "SN", "Numéro de série")),
        Column("room", "Room", ("Location", "Salle")),
        date_column("purchase_date", "Purchase date", ("Bought", "Purchased", "Date d'achat")),
        decimal_column("purchase_price", "Purchase price", ("Price", "Cost", "Prix d'achat")),
        date_column("warranty_end", "Warranty until", ("Warranty", "Warranty end")),
        choice_column("status", "Status", Equipment.Status.choices, "status", ("State", "Statut")),
        date_column(
            "next_maintenance_due", "Next maintenance due", ("Next service", "Maintenance due")
        ),
        Column("notes", "Notes", ("Comments", "Remarques")),
    )
    extra_keys = ("id", "room")
    service_fields = ("status",)

    id = fields.Field(attribute="id", column_name="Studio Manager ID")
    category = fields.Field(attribute="category", column_name="Category")
    make = fields.Field(attribute="make", column_name="Make")
    model = fields.Field(attribute="model", column_name="Model")
    serial = fields.Field(attribute="serial", column_name="Serial number")
    room = fields.Field(attribute="room", column_name="Room", widget=RoomNameWidget())
    purchase_date = fields.Field(
        attribute="purchase_date", column_name="Purchase date", widget=PlainWidget()
    )
    purchase_price = fields.Field(
        attribute="purchase_price", column_name="Purchase price", widget=PlainWidget()
    )
    warranty_end = fields.Field(
        attribute="warranty_end", column_name="Warranty until", widget=PlainWidget()
    )
    status = fields.Field(attribute="status", column_name="Status")
    next_maintenance_due = fields.Field(
        attribute="next_maintenance_due", column_name="Next maintenance due", widget=PlainWidget()
    )
    notes = fields.Field(attribute="notes", column_name="Notes")

    class Meta:
        model = Equipment
        fields = (
            "id",
            "category",
            "make",
            "model",
            "serial",
            "room",
            "purchase_date",
            "purchase_price",
            "warranty_end",
            "status",
            "next_maintenance_due",
            "notes",
        )
        export_order = fields

    def _rooms(self) -> dict[str, Room]:
        if not hasattr(self, "_room_cache"):
            self._room_cache = {fold(r.name): r for r in Room.objects.all()}
        return self._room_cache

    def extra_values(self, row: ImportRow, ctx: ImportContext) -> dict:
        if not (ctx.match and ctx.match.has("room")):
            return {}
        name = row.values.get("room", "")
        if not name:
            return {"room": None}
        room = self._rooms().get(fold(name))
        if room is None:
            known = ", ".join(r.name for r in self._rooms().values()) or "none yet"
            row.fail(f"No room is called “{name}” (rooms: {known}).", "room")
            return {}
        return {"room": room}

    def existing(self, rows: list[ImportRow], ctx: ImportContext) -> list[Equipment | None]:
        self._rooms()  # loaded now: no query may run while new rows stream in
        ctx.parse_all(rows)
        by_pk = by_id(rows, Equipment, "piece of equipment")
        by_serial = {
            (fold(e.make), fold(e.model), fold(e.serial)): e
            for e in Equipment.objects.exclude(serial="")
        }
        seen: dict[tuple, int] = {}
        result = []
        for row in rows:
            match = None
            if row.ok:
                v = row.values
                key = (fold(v.get("make", "")), fold(v.get("model", "")), fold(v.get("serial", "")))
                if key[2]:
                    first = seen.setdefault(key, row.line)
                    if first != row.line:
                        row.fail(
                            f"The same make, model and serial number is on line {first}.", "serial"
                        )
                match = (
                    by_pk.get(v["id"]) if v.get("id") else (by_serial.get(key) if key[2] else None)
                )
            result.append(match)
        return result

    def after_write(self, updated: list[tuple], ctx: ImportContext) -> None:
        for obj, changes in updated:
            if "status" in changes:
                equipment_status_set(equipment=obj, status=changes["status"][1], by=ctx.by)


class EquipmentLabelWidget(PlainWidget):
    def render(self, value, obj=None, **kwargs):
        return f"{value.make} {value.model}" if value else ""


class MaintenanceResource(StudioResource):
    key = "maintenance"
    list_url = "admin:studio_equipment_changelist"
    money_fields = ("cost",)
    title = "Maintenance log"
    sample = "maintenance.csv"
    import_columns = (
        Column(
            "equipment_id",
            "Equipment ID",
            ("Studio Manager equipment ID",),
            parse=lambda v, c: parse_int(v, c.locale),
        ),
        Column("equipment", "Equipment", ("Item", "Gear", "Make and model", "Matériel")),
        Column("serial", "Serial number", ("Serial", "S/N", "SN")),
        date_column("date", "Date", ("Done on", "Service date")),
        Column("description", "Work done", ("Description", "Work", "Intervention"), required=True),
        decimal_column("cost", "Cost", ("Price", "Amount", "Coût")),
        Column("done_by", "Done by", ("Technician", "Technicien", "By")),
    )

    equipment_id = fields.Field(attribute="equipment_id", column_name="Equipment ID")
    equipment = fields.Field(
        attribute="equipment", column_name="Equipment", widget=EquipmentLabelWidget()
    )
    serial = fields.Field(attribute="equipment__serial", column_name="Serial number")
    date = fields.Field(attribute="date", column_name="Date", widget=PlainWidget())
    description = fields.Field(attribute="description", column_name="Work done")
    cost = fields.Field(attribute="cost", column_name="Cost", widget=PlainWidget())
    done_by = fields.Field(attribute="done_by", column_name="Done by")

    class Meta:
        model = MaintenanceEntry
        fields = ("equipment_id", "equipment", "serial", "date", "description", "cost", "done_by")
        export_order = fields

    def _find(self, row: ImportRow, gear: list[Equipment]) -> Equipment | None:
        v = row.values
        if v.get("equipment_id"):
            found = [g for g in gear if g.pk == v["equipment_id"]]
            if not found:
                row.fail(f"No equipment has ID {v['equipment_id']} in this studio.", "equipment_id")
            return found[0] if found else None
        serial, label = fold(v.get("serial", "")), fold(v.get("equipment", ""))
        if serial:
            found = [g for g in gear if fold(g.serial) == serial]
            if label:
                found = [g for g in found if fold(f"{g.make} {g.model}") == label] or found
        elif label:
            found = [g for g in gear if fold(f"{g.make} {g.model}") == label]
        else:
            row.fail("Say which equipment: give its serial number or its make and model.")
            return None
        if len(found) == 1:
            return found[0]
        what = v.get("serial") or v.get("equipment")
        if not found:
            row.fail(f"No equipment matches “{what}”; import the equipment list first.")
        else:
            row.fail(f"{len(found)} pieces of equipment match “{what}”; add the serial number.")
        return None

    def process(self, rows: list[ImportRow], ctx: ImportContext) -> None:
        ctx.parse_all(rows)
        gear = list(Equipment.objects.all())
        logged = {
            (e.equipment_id, e.date, fold(e.description)) for e in MaintenanceEntry.objects.all()
        }
        for index, row in enumerate(rows):
            ctx.tick(index + 1, len(rows))
            if not row.ok:
                continue
            item = self._find(row, gear)
            if not row.values.get("date"):
                row.fail("A date is required.", "date")
            if len(row.values.get("description", "")) > 300:
                row.fail("Keep the description under 300 characters.", "description")
            if item is None or not row.ok:
                continue
            key = (item.pk, row.values["date"], fold(row.values["description"]))
            if key in logged:
                row.action = SKIP
                continue
            try:
                with transaction.atomic():
                    maintenance_record(
                        equipment=item,
                        date=row.values["date"],
                        description=row.values["description"],
                        cost=row.values.get("cost"),
                        done_by=row.values.get("done_by", ""),
                        by=ctx.by,
                    )
            except StudioError as exc:
                row.fail(exc.message)
                continue
            logged.add(key)
            row.action = NEW
