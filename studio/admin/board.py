"""The projects' Kanban board: one column per stage the studio defined, one card per project.

A card moves through `project_stage_set` only, whether it was dragged (board.js posts JSON) or
moved with the "Move to" select every card carries (a plain form: the board works without
JavaScript and from the keyboard). Columns are added, renamed, recoloured, reordered and
deleted by the stage services; each refusal comes back as the service's message.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from studio.models import Client, Project, ProjectStage
from studio.models.projects import STAGE_COLOURS
from studio.money import money_format
from studio.selectors.projects import board, project_budget
from studio.selectors.settings import studio_today
from studio.services.errors import StudioError
from studio.services.projects import project_stage_set, stage_delete, stage_save, stages_reorder

# The stage colours as the board draws them (swatch and column edge), light and dark alike.
COLOUR_HEX = {
    "slate": "#64748b",
    "sky": "#0ea5e9",
    "violet": "#8b5cf6",
    "amber": "#f59e0b",
    "rose": "#f43f5e",
    "emerald": "#10b981",
}
# A column shows its first cards; the rest are one click away in the list, filtered by stage
# (a column of hundreds is not read on a board, and the page stays light whatever the size).
CARDS_PER_COLUMN = 50
BAD_MOVE = "Choose a stage of this board and a position (0 or more)."
BAD_ORDER = "Send the board's stages in their new order."


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _wants_json(request) -> bool:
    return request.content_type == "application/json"


def _back(request) -> str:
    """To the board again, keeping its filters when the form said where it came from."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("admin:project_board")


def _number(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number


def _card(project: Project, money: bool, urls: dict[str, str], today) -> dict:
    pk = str(project.pk)
    card = {
        "project": project,
        # Past its target date and not delivered yet.
        "late": bool(
            project.target_date and project.target_date < today and not project.delivered_on
        ),
        # Reversed once per page, not once per card.
        "change_url": urls["change"].replace("/0/", f"/{pk}/"),
        "move_url": urls["move"].replace("/0/", f"/{pk}/"),
    }
    if money:
        budget = project_budget(project)
        card["budget"] = budget
        if budget.budget is not None:
            share = budget.share
            card["percent"] = 100 if share is None else min(100, round(share * 100))
            card["spent"] = money_format(budget.spent, project.currency)
            card["of"] = money_format(budget.budget, project.currency)
    return card


def _swapped(order: list[int], index: int) -> list[int]:
    swapped = list(order)
    swapped[index], swapped[index + 1] = swapped[index + 1], swapped[index]
    return swapped


@require_GET
def project_board(request, admin_site):
    _require(request, "studio.view_project")
    client_id = _number(request.GET.get("client"))
    search = request.GET.get("q", "").strip()[:100]
    money = request.user.has_perm("studio.view_money")
    columns = board(client_id=client_id, search=search)
    stages = [column.stage for column in columns]
    order = [stage.pk for stage in stages]
    urls = {
        "change": reverse("admin:studio_project_change", args=[0]),
        "move": reverse("admin:project_board_move", args=[0]),
    }
    listed = reverse("admin:studio_project_changelist")
    today = studio_today()
    context = {
        **admin_site.each_context(request),
        "title": _("Project board"),
        "columns": [
            {
                "stage": column.stage,
                "colour": COLOUR_HEX.get(column.stage.colour, COLOUR_HEX["slate"]),
                "cards": [
                    _card(project, money, urls, today)
                    for project in column.projects[:CARDS_PER_COLUMN]
                ],
                "total": len(column.projects),
                "hidden": max(0, len(column.projects) - CARDS_PER_COLUMN),
                "list_url": f"{listed}?stage__id__exact={column.stage.pk}",
                # The order after moving this column one place left / right (the buttons that
                # reorder the board without dragging).
                "left": _swapped(order, index - 1) if index > 0 else None,
                "right": _swapped(order, index) if index < len(order) - 1 else None,
            }
            for index, column in enumerate(columns)
        ],
        "stages": stages,
        "colours": STAGE_COLOURS,
        "clients": Client.objects.filter(projects__isnull=False).distinct().order_by("name"),
        "client_id": client_id,
        "search": search,
        "filtered": bool(client_id or search),
        "can_see_money": money,
        "can_move": request.user.has_perm("studio.change_project"),
        "can_add_stage": request.user.has_perm("studio.add_projectstage"),
        "can_change_stage": request.user.has_perm("studio.change_projectstage"),
        "can_delete_stage": request.user.has_perm("studio.delete_projectstage"),
        "can_add_project": request.user.has_perm("studio.add_project"),
        "here": request.get_full_path(),
    }
    return TemplateResponse(request, "studio/admin/project_board.html", context)


@require_POST
def board_move(request, project_id: int):
    """Move a card: JSON {"stage": id, "after": card id} (or "position": 0 for the top) from
    the board's script, or the card's "Move to" form (no position: the bottom of the column)."""
    _require(request, "studio.view_project")
    if _wants_json(request):
        try:
            payload = json.loads(request.body or b"{}")
        except json.JSONDecodeError:
            payload = None
        if not isinstance(payload, dict):
            return JsonResponse({"error": BAD_MOVE}, status=400)
    else:
        payload = request.POST
    project = get_object_or_404(Project, pk=project_id)
    stage = ProjectStage.objects.filter(pk=_number(payload.get("stage"))).first()
    position = payload.get("position")
    position = None if position in (None, "") else _number(position)
    after, after_gone = None, False
    if payload.get("after") not in (None, ""):
        after = Project.objects.filter(pk=_number(payload.get("after"))).first()
        after_gone = after is None  # the card it was dropped under is not on the board
    bad_position = payload.get("position") not in (None, "") and position is None
    if stage is None or bad_position or after_gone:
        if _wants_json(request):
            return JsonResponse({"error": BAD_MOVE}, status=400)
        messages.error(request, BAD_MOVE)
        return redirect(_back(request))
    try:
        project = project_stage_set(
            project=project, stage=stage, position=position, after=after, by=request.user
        )
    except StudioError as exc:
        if _wants_json(request):
            return JsonResponse({"error": exc.message}, status=409)
        messages.error(request, exc.message)
        return redirect(_back(request))
    if _wants_json(request):
        return JsonResponse(
            {"id": project.pk, "stage": project.stage_id, "position": project.board_position}
        )
    messages.success(
        request, _("“%(project)s” is now in %(stage)s.") % {"project": project, "stage": stage}
    )
    return redirect(_back(request))


@require_POST
def board_stage_save(request, stage_id: int | None = None):
    """Add a column (no id) or rename / recolour one."""
    _require(request, "studio.view_projectstage")
    stage = get_object_or_404(ProjectStage, pk=stage_id) if stage_id else None
    try:
        saved = stage_save(
            stage=stage,
            name=request.POST.get("name", ""),
            colour=request.POST.get("colour") or "slate",
            is_delivered=request.POST.get("is_delivered") in ("on", "1", "true"),
            by=request.user,
        )
    except StudioError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Stage “%(stage)s” saved.") % {"stage": saved})
    return redirect(_back(request))


@require_POST
def board_stage_delete(request, stage_id: int):
    _require(request, "studio.view_projectstage")
    stage = get_object_or_404(ProjectStage, pk=stage_id)
    try:
        stage_delete(stage=stage, by=request.user)
    except StudioError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Stage “%(stage)s” deleted.") % {"stage": stage})
    return redirect(_back(request))


@require_POST
def board_stages_order(request):
    """The columns in their new order: JSON {"stages": [id, ...]} or a form's `stages` list."""
    _require(request, "studio.view_projectstage")
    if _wants_json(request):
        try:
            payload = json.loads(request.body or b"{}")
        except json.JSONDecodeError:
            payload = {}
        ids = payload.get("stages") if isinstance(payload, dict) else None
    else:
        ids = request.POST.getlist("stages")
    numbers = [_number(pk) for pk in ids] if isinstance(ids, list) else []
    if not numbers or None in numbers:
        if _wants_json(request):
            return JsonResponse({"error": BAD_ORDER}, status=400)
        messages.error(request, BAD_ORDER)
        return redirect(_back(request))
    try:
        stages_reorder(stage_ids=numbers, by=request.user)
    except StudioError as exc:
        if _wants_json(request):
            return JsonResponse({"error": exc.message}, status=409)
        messages.error(request, exc.message)
        return redirect(_back(request))
    if _wants_json(request):
        return JsonResponse({"stages": numbers})
    return redirect(_back(request))
