"""Projects, their stages, tracks, credits and splits: every write of them goes through here.

Callers are the admin (forms, the Kanban board, inlines), the import registry and the demo; each
passes `by` (the person, for the role check and the audit trail) or None (the studio itself).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max

from studio.models import (
    Client,
    Credit,
    Project,
    ProjectExpense,
    ProjectStage,
    Session,
    Split,
    Track,
)
from studio.models.projects import isrc_compact, validate_isrc
from studio.selectors.settings import studio_settings_get, studio_today
from studio.services.audit import audit_record, changes_between, snapshot
from studio.services.errors import StudioError
from studio.services.permissions import permission_check

HUNDRED = Decimal("100")
PROJECT_FIELDS = (
    "title",
    "kind",
    "client",
    "budget",
    "start_date",
    "target_date",
    "delivered_on",
    "notes",
    "retention_until",
)
TRACK_FIELDS = (
    "number",
    "title",
    "status",
    "bpm",
    "key",
    "isrc",
    "duration_seconds",
    "recall_notes",
)


def _first_stage() -> ProjectStage:
    stage = ProjectStage.objects.order_by("position", "id").first()
    if stage is None:
        raise StudioError("Add a project stage first (Projects → Stages).")
    return stage


def _full_clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_constraints=True)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise StudioError(messages[0], field=None if field == "__all__" else field) from error


# --- stages -----------------------------------------------------------------------------------


@transaction.atomic
def stage_save(
    *,
    stage: ProjectStage | None = None,
    name: str,
    colour: str = "slate",
    is_delivered: bool = False,
    by=None,
) -> ProjectStage:
    """Add a stage (at the end of the board) or rename / recolour one."""
    creating = stage is None
    permission_check(by, "studio.add_projectstage" if creating else "studio.change_projectstage")
    if creating:
        last = ProjectStage.objects.aggregate(last=Max("position"))["last"]
        stage = ProjectStage(position=0 if last is None else last + 1)
    before = snapshot(stage, ["name", "colour", "is_delivered"])
    stage.name, stage.colour, stage.is_delivered = name.strip(), colour, is_delivered
    if ProjectStage.objects.exclude(pk=stage.pk).filter(name__iexact=stage.name).exists():
        raise StudioError(f"There is already a stage called “{stage.name}”.", field="name")
    _full_clean(stage)
    stage.save()
    after = snapshot(stage, ["name", "colour", "is_delivered"])
    audit_record(
        action="projectstage.created" if creating else "projectstage.changed",
        obj=stage,
        by=by,
        changes=changes_between({} if creating else before, after),
    )
    return stage


@transaction.atomic
def stages_reorder(*, stage_ids: list[int], by=None) -> None:
    """Put the board's columns in this order (every stage, each once)."""
    permission_check(by, "studio.change_projectstage")
    stages = {s.pk: s for s in ProjectStage.objects.select_for_update()}
    if sorted(stage_ids) != sorted(stages):
        raise StudioError("The stages changed meanwhile: reload the board and try again.")
    for position, pk in enumerate(stage_ids):
        if stages[pk].position != position:
            ProjectStage.objects.filter(pk=pk).update(position=position)
    audit_record(
        action="projectstage.reordered",
        obj=stages[stage_ids[0]],
        by=by,
        changes={"order": [None, [stages[pk].name for pk in stage_ids]]},
    )


@transaction.atomic
def stage_delete(*, stage: ProjectStage, by=None) -> None:
    permission_check(by, "studio.delete_projectstage")
    count = stage.projects.count()
    if count:
        raise StudioError(
            f"“{stage}” still holds {count} project(s): move them to another stage first."
        )
    if ProjectStage.objects.count() == 1:
        raise StudioError("The board needs at least one stage.")
    audit_record(action="projectstage.deleted", obj=stage, by=by)
    stage.delete()


# --- projects ---------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    client: Client,
    title: str,
    kind: str = Project.Kind.SINGLE,
    stage: ProjectStage | None = None,
    budget: Decimal | None = None,
    start_date: date | None = None,
    target_date: date | None = None,
    notes: str = "",
    from_session: Session | None = None,
    by=None,
) -> Project:
    """A new project at the end of its stage's column. Made from a session, it takes the
    session's client and start date and the session is linked to it."""
    permission_check(by, "studio.add_project")
    if from_session is not None:
        client = from_session.client
        start_date = start_date or from_session.start.date()
    stage = stage or _first_stage()
    project = Project(
        client=client,
        title=(title or "").strip(),
        kind=kind,
        stage=stage,
        budget=budget,
        start_date=start_date,
        target_date=target_date,
        notes=notes,
        currency=studio_settings_get().currency,
        created_by=by if getattr(by, "pk", None) else None,
        board_position=_column_end(stage),
    )
    _full_clean(project, exclude=["created_by"])
    project.save()
    audit_record(
        action="project.created",
        obj=project,
        by=by,
        changes=changes_between({}, snapshot(project, [*PROJECT_FIELDS, "stage"])),
    )
    if from_session is not None:
        session_project_set(session=from_session, project=project, by=by)
    return project


def _column_end(stage: ProjectStage, *, without: Project | None = None) -> int:
    column = Project.objects.filter(stage=stage)
    if without is not None:
        column = column.exclude(pk=without.pk)
    last = column.aggregate(last=Max("board_position"))["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def project_update(*, project: Project, by=None, **fields) -> Project:
    permission_check(by, "studio.change_project")
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise StudioError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    project = Project.objects.select_for_update().get(pk=project.pk)
    before = snapshot(project, list(fields))
    for name, value in fields.items():
        setattr(project, name, value.strip() if isinstance(value, str) else value)
    _full_clean(project, exclude=["created_by", "masters_released_by"])
    project.save()
    changes = changes_between(before, snapshot(project, list(fields)))
    if changes:
        audit_record(action="project.changed", obj=project, by=by, changes=changes)
    return project


@transaction.atomic
def project_stage_set(
    *,
    project: Project,
    stage: ProjectStage,
    position: int | None = None,
    after: Project | None = None,
    by=None,
) -> Project:
    """Move a project to `stage`: just below the card `after` (the board's script sends the
    card it was dropped under, right whatever the board filtered or left unshown), at the top
    when `position` is 0, or at the bottom when neither is given. The one way a card moves on
    the board; a stage that means "delivered" dates the delivery.

    The two columns' stages are locked (in id order), so moves into a column queue; making room
    is one UPDATE however long the column."""
    permission_check(by, "studio.change_project")
    project = Project.objects.select_for_update().get(pk=project.pk)
    old_stage = project.stage
    locked = ProjectStage.objects.select_for_update().filter(pk__in={old_stage.pk, stage.pk})
    stages = {s.pk: s for s in locked.order_by("pk")}
    if stage.pk not in stages:
        raise StudioError("That stage is no longer on the board: reload it and try again.")
    stage = stages[stage.pk]
    if position is not None and position < 0:
        raise StudioError("A card's position on the board cannot be negative.")
    if after is not None:
        after = Project.objects.filter(pk=after.pk, stage=stage).exclude(pk=project.pk).first()
        if after is None:
            raise StudioError("The board changed meanwhile: reload it and try again.")
    old_place = project.board_position
    # Out of its old place, then room made at the new one.
    Project.objects.filter(stage=old_stage, board_position__gt=old_place).update(
        board_position=F("board_position") - 1
    )
    if after is not None:
        after.refresh_from_db(fields=["board_position"])
        place = after.board_position + 1
    elif position == 0:
        place = 0
    elif position is not None:
        others = Project.objects.filter(stage=stage).exclude(pk=project.pk)
        anchor = others.order_by("board_position", "id").values_list("board_position", flat=True)
        place = next(iter(anchor[position : position + 1]), None)
        place = _column_end(stage, without=project) if place is None else place
    else:
        place = _column_end(stage, without=project)
    Project.objects.filter(stage=stage, board_position__gte=place).exclude(pk=project.pk).update(
        board_position=F("board_position") + 1
    )
    project.board_position = place
    changes: dict = {}
    if old_stage.pk != stage.pk:
        project.stage = stage
        changes["stage"] = [old_stage.name, stage.name]
        if stage.is_delivered and project.delivered_on is None:
            project.delivered_on = studio_today()
            changes["delivered_on"] = [None, project.delivered_on.isoformat()]
    project.save(update_fields=["stage", "delivered_on", "board_position"])
    if changes:
        audit_record(action="project.stage_moved", obj=project, by=by, changes=changes)
    elif place != old_place:
        audit_record(
            action="project.reordered",
            obj=project,
            by=by,
            changes={"position": [old_place, place]},
        )
    return project


@transaction.atomic
def session_project_set(*, session: Session, project: Project | None, by=None) -> Session:
    """Link a session to one of its client's projects (or unlink it)."""
    permission_check(by, "studio.change_session")
    if project is not None and project.client_id != session.client_id:
        raise StudioError(
            f"“{project}” is {project.client}'s project, not {session.client}'s.", field="project"
        )
    before = session.project
    Session.objects.filter(pk=session.pk).update(project=project)
    session.project = project
    if before != project:
        audit_record(
            action="session.changed",
            obj=session,
            by=by,
            changes={
                "project": [str(before) if before else None, str(project) if project else None]
            },
        )
    return session


@transaction.atomic
def expense_add(
    *, project: Project, description: str, amount: Decimal, spent_on: date | None = None, by=None
) -> ProjectExpense:
    permission_check(by, "studio.add_projectexpense")
    expense = ProjectExpense(
        project=project, description=description.strip(), amount=amount, spent_on=spent_on
    )
    _full_clean(expense)
    expense.save()
    audit_record(
        action="projectexpense.created",
        obj=expense,
        by=by,
        changes={"project": [None, str(project)], "amount": [None, str(amount)]},
    )
    return expense


# --- tracks, credits, splits ------------------------------------------------------------------


@transaction.atomic
def track_create(
    *, project: Project, title: str, number: int | None = None, by=None, **fields
) -> Track:
    """A track of the project; without a number it comes after the last one."""
    permission_check(by, "studio.add_track")
    Project.objects.select_for_update().filter(pk=project.pk).first()
    if number is None:
        last = project.tracks.aggregate(last=Max("number"))["last"]
        number = (last or 0) + 1
    unknown = set(fields) - set(TRACK_FIELDS)
    if unknown:
        raise StudioError(f"Unknown track fields: {', '.join(sorted(unknown))}.")
    track = Track(project=project, title=(title or "").strip(), number=number, **fields)
    track.isrc = isrc_compact(track.isrc)
    if project.tracks.filter(number=number).exists():
        raise StudioError(f"{project} already has a track {number}.", field="number")
    _full_clean(track)
    track.save()
    audit_record(
        action="track.created",
        obj=track,
        by=by,
        changes=changes_between({}, snapshot(track, list(TRACK_FIELDS))),
    )
    return track


@transaction.atomic
def track_update(*, track: Track, by=None, **fields) -> Track:
    permission_check(by, "studio.change_track")
    unknown = set(fields) - set(TRACK_FIELDS)
    if unknown:
        raise StudioError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    track = Track.objects.select_for_update().get(pk=track.pk)
    before = snapshot(track, list(fields))
    for name, value in fields.items():
        setattr(track, name, value)
    track.isrc = isrc_compact(track.isrc)
    if (
        "number" in fields
        and track.project.tracks.exclude(pk=track.pk).filter(number=track.number).exists()
    ):
        raise StudioError(f"{track.project} already has a track {track.number}.", field="number")
    _full_clean(track)
    track.save()
    changes = changes_between(before, snapshot(track, list(fields)))
    if changes:
        audit_record(action="track.changed", obj=track, by=by, changes=changes)
    return track


def isrc_check(value: str) -> str:
    """The ISRC as stored (no hyphens, upper case), or a StudioError saying what is wrong."""
    try:
        validate_isrc(value)
    except ValidationError as error:
        raise StudioError(error.messages[0], field="isrc") from error
    return isrc_compact(value)


@transaction.atomic
def credit_add(*, track: Track, person: str, role: str, instrument: str = "", by=None) -> Credit:
    permission_check(by, "studio.add_credit")
    credit = Credit(track=track, person=person.strip(), role=role, instrument=instrument.strip())
    if not credit.person:
        raise StudioError("Name the person credited.", field="person")
    if Credit.objects.filter(
        track=track, person__iexact=credit.person, role=role, instrument__iexact=credit.instrument
    ).exists():
        raise StudioError(f"{credit} is already credited on {track}.", field="person")
    _full_clean(credit)
    credit.save()
    audit_record(action="credit.created", obj=credit, by=by, changes={"track": [None, str(track)]})
    return credit


@transaction.atomic
def credit_delete(*, credit: Credit, by=None) -> None:
    permission_check(by, "studio.delete_credit")
    audit_record(
        action="credit.deleted", obj=credit, by=by, changes={"track": [str(credit.track), None]}
    )
    credit.delete()


def _percent(value) -> Decimal:
    try:
        number = Decimal(str(value).strip().rstrip("%").strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        raise StudioError(f"“{value}” is not a percentage.", field="percent") from None
    if not number.is_finite() or number <= 0 or number > HUNDRED:
        raise StudioError(
            f"A share must be more than 0 and at most 100 %, not {value}.", field="percent"
        )
    if number != number.quantize(Decimal("0.01")):
        raise StudioError(f"Shares have at most two decimals ({value}).", field="percent")
    return number


@transaction.atomic
def splits_set(*, track: Track, right: str, shares: Iterable[Mapping], by=None) -> list[Split]:
    """Replace the shares of one right of a track. `shares` are {"person", "percent"}; they
    must total exactly 100 % (or be empty, to clear the right), each person once."""
    permission_check(by, "studio.change_split")
    if right not in Split.Right.values:
        raise StudioError(f"Unknown right “{right}”.", field="right")
    label = Split.Right(right).label
    Track.objects.select_for_update().filter(pk=track.pk).first()
    rows, seen = [], set()
    for share in shares:
        person = (share.get("person") or "").strip()
        if not person:
            raise StudioError("Each share needs the person's name.", field="person")
        if person.lower() in seen:
            raise StudioError(
                f"{person} is listed twice for the {label.lower()} right.", field="person"
            )
        seen.add(person.lower())
        rows.append(
            Split(track=track, right=right, person=person, percent=_percent(share.get("percent")))
        )
    total = sum((row.percent for row in rows), Decimal("0"))
    if rows and total != HUNDRED:
        raise StudioError(
            f"The {label.lower()} shares of {track} total {total.normalize():f} %, not 100 %: "
            f"{'add' if total < HUNDRED else 'take off'} {abs(HUNDRED - total).normalize():f} %.",
            field="percent",
        )
    before = {s.person: str(s.percent) for s in track.splits.filter(right=right)}
    track.splits.filter(right=right).delete()
    try:
        Split.objects.bulk_create(rows)
    except IntegrityError as error:  # pragma: no cover - the checks above come first
        raise StudioError(
            "These shares could not be saved: check the names and percentages."
        ) from error
    after = {row.person: str(row.percent) for row in rows}
    if before != after:
        audit_record(
            action="track.splits_changed", obj=track, by=by, changes={right: [before, after]}
        )
    return rows


def split_totals(track: Track) -> dict[str, Decimal]:
    """The total share recorded per right (100 or nothing, when written by splits_set)."""
    totals = {}
    for split in track.splits.all():
        totals[split.right] = totals.get(split.right, Decimal("0")) + split.percent
    return totals


def board_compact(stage: ProjectStage) -> None:
    """Renumber a column 0..n-1 (after deletions)."""
    for index, pk in enumerate(
        Project.objects.filter(stage=stage)
        .order_by("board_position", "id")
        .values_list("pk", flat=True)
    ):
        Project.objects.filter(pk=pk).exclude(board_position=index).update(board_position=index)
