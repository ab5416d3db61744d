"""The home page: the plans the visitor may see, and each role's next tasks."""

from django.views.generic import TemplateView

from stiplan.core.permissions import Role, access_of
from stiplan.documents.models import Document
from stiplan.plans.models import Plan
from stiplan.reporting.board import round_board
from stiplan.reporting.models import (
    EDITABLE_STATES,
    IN_REVIEW_STATES,
    Round,
    RoundStatus,
    UnitReport,
)
from stiplan.reporting.validation import check_report


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["plans"] = Plan.objects.restrict(self.request.user).select_related("issuing_unit")
        ctx["tasks"] = next_tasks(self.request.user)
        return ctx


def next_tasks(user) -> dict:
    """What each role must do next, for the home page: the reporting officer's open reports with
    their deadline and what is missing; the reviewer's reports waiting, oldest first; the plan
    officer's open rounds with their completeness and the latest documents; the leader's
    overview. Empty for the public."""
    if not user.is_authenticated:
        return {}
    access = access_of(user)
    reports = UnitReport.objects.restrict(user).select_related("round", "unit").filter(
        round__status=RoundStatus.OPEN)
    tasks: dict = {}
    if access.units_for(Role.REPORTER):
        mine = reports.filter(unit_id__in=access.units_for(Role.REPORTER),
                              state__in=EDITABLE_STATES).order_by("round__deadline")
        tasks["reports"] = [{"report": r, "missing": sum(f.blocking for f in check_report(r))}
                            for r in mine[:10]]
    if access.has(Role.REVIEWER):
        waiting = reports.filter(state__in=IN_REVIEW_STATES).order_by("submitted_at")
        tasks["waiting"], tasks["waiting_count"] = list(waiting[:10]), waiting.count()
    if access.has(Role.PLAN_OFFICER):
        rounds = Round.objects.restrict(user).filter(status=RoundStatus.OPEN).select_related("plan")
        tasks["boards"] = [round_board(r, r.reports.restrict(user).select_related(
            "unit", "inherited_from")) for r in rounds]
        tasks["documents"] = list(Document.objects.restrict(user).select_related("round")[:5])
    if access.has(Role.LEADER):
        tasks["overview"] = True
    return tasks
