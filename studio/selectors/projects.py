"""Reading projects: budget against spending, the board, and whether the masters may go out.

`masters_release` is the one rule for a client downloading a master: the portal's page, the
download URL, a signed link and the data export all ask it, and nothing else decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from studio.models import Invoice, Project, ProjectExpense, ProjectStage, Session

ZERO = Decimal("0")
# The budget warning shows from this share of the budget spent.
BUDGET_WARNING_SHARE = Decimal("0.9")
# Sessions that cost the client: everything but cancelled ones (a no-show is charged).
SPENDING_STATUSES = ("held", "requested", "confirmed", "checked_in", "completed", "no_show")


@dataclass(frozen=True)
class Budget:
    budget: Decimal | None
    sessions: Decimal
    expenses: Decimal

    @property
    def spent(self) -> Decimal:
        return self.sessions + self.expenses

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.spent

    @property
    def share(self) -> Decimal | None:
        if not self.budget:
            return None
        return self.spent / self.budget

    @property
    def state(self) -> str:
        """ "none" (no budget), "ok", "warning" (90 % or more spent) or "over"."""
        if self.budget is None:
            return "none"
        if self.spent > self.budget:
            return "over"
        if self.budget == 0 or self.spent >= self.budget * BUDGET_WARNING_SHARE:
            return "warning"
        return "ok"


def _sessions_sum():
    return Coalesce(
        Subquery(
            Session.objects.filter(project=OuterRef("pk"), status__in=SPENDING_STATUSES)
            .values("project")
            .annotate(total=Sum("price"))
            .values("total")[:1]
        ),
        Value(ZERO),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def _expenses_sum():
    return Coalesce(
        Subquery(
            ProjectExpense.objects.filter(project=OuterRef("pk"))
            .values("project")
            .annotate(total=Sum("amount"))
            .values("total")[:1]
        ),
        Value(ZERO),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def with_spending(queryset):
    """Annotate `sessions_spent` and `expenses_spent` (one query for any number of projects)."""
    return queryset.annotate(sessions_spent=_sessions_sum(), expenses_spent=_expenses_sum())


def project_budget(project: Project) -> Budget:
    if hasattr(project, "sessions_spent"):
        return Budget(project.budget, project.sessions_spent, project.expenses_spent)
    row = with_spending(Project.objects.filter(pk=project.pk)).values(
        "sessions_spent", "expenses_spent"
    )[0]
    return Budget(project.budget, row["sessions_spent"], row["expenses_spent"])


def budget_after(project: Project, extra: Decimal) -> Budget:
    """The budget as it would stand after spending `extra` more (the warning a session or an
    expense shows before it is saved)."""
    now = project_budget(project)
    return Budget(now.budget, now.sessions + extra, now.expenses)


@dataclass
class Column:
    stage: ProjectStage
    projects: list[Project] = field(default_factory=list)


def board(*, client_id: int | None = None, search: str = "") -> list[Column]:
    """Every stage with its projects in board order, each annotated with its client, spending,
    track count and versions awaiting review: three queries whatever the board's size."""
    stages = list(ProjectStage.objects.all())
    projects = (
        with_spending(Project.objects.select_related("client"))
        .annotate(
            track_count=Count("tracks", distinct=True),
        )
        .order_by("board_position", "id")
    )
    if client_id:
        projects = projects.filter(client_id=client_id)
    if search:
        projects = projects.filter(Q(title__icontains=search) | Q(client__name__icontains=search))
    by_stage: dict[int, Column] = {s.pk: Column(s) for s in stages}
    for project in projects:
        by_stage[project.stage_id].projects.append(project)
    return [by_stage[s.pk] for s in stages]


def active_by_stage() -> list[tuple[ProjectStage, int]]:
    """The dashboard card: how many projects each stage holds, delivered ones left out."""
    stages = (
        ProjectStage.objects.filter(is_delivered=False)
        .annotate(n=Count("projects"))
        .order_by("position", "id")
    )
    return [(stage, stage.n) for stage in stages]


# --- masters ----------------------------------------------------------------------------------


def project_invoices(project: Project):
    """The project's invoices that count: issued (not draft, not void) and either naming the
    project or holding a line of one of its sessions."""
    return (
        Invoice.objects.filter(Q(project=project) | Q(lines__session__project=project))
        .exclude(status__in=[Invoice.Status.DRAFT, Invoice.Status.VOID])
        .distinct()
        .order_by("issue_date", "id")
    )


@dataclass(frozen=True)
class Release:
    allowed: bool
    reason: str
    # The invoices still open (what the client is shown, with a link to pay them).
    due: tuple[Invoice, ...] = ()

    @property
    def balance(self) -> Decimal:
        return sum((invoice.balance for invoice in self.due), ZERO)


NOT_INVOICED = "The masters are released once the studio has invoiced the project and it is paid."
RELEASED_BY_STAFF = "Released by the studio."
PAID = "Every invoice of the project is paid."
UNPAID = "The masters can be downloaded once the project's invoices are paid in full."


def masters_release(project: Project) -> Release:
    """May the client download this project's masters? Yes when staff released them, or when
    the project has at least one issued invoice and none of them has a balance left."""
    if project.masters_released_at is not None:
        return Release(True, RELEASED_BY_STAFF)
    invoices = list(project_invoices(project))
    if not invoices:
        return Release(False, NOT_INVOICED)
    due = tuple(invoice for invoice in invoices if invoice.balance > 0)
    if due:
        return Release(False, UNPAID, due)
    return Release(True, PAID)


def client_projects(client_id: int):
    """The projects a client sees in the portal: their own, newest first."""
    return (
        Project.objects.filter(client_id=client_id)
        .select_related("stage")
        .prefetch_related(Prefetch("tracks"))
        .order_by("-created_at", "-id")
    )
