"""Leadership overview, indicator pages (series, band, forecast, units, download), action board."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key as fragment_cache_key
from django.core.exceptions import ValidationError
from django.db.models import Count, F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from stiplan.analytics.targets import ORDER
from stiplan.core.constants import DEFAULT_PLAN
from stiplan.core.permissions import can
from stiplan.core.tables import table_response
from stiplan.core.templatetags.stiplan import STATUS_LABELS
from stiplan.metrics.actions import override_status
from stiplan.metrics.dashboard import cache_key, overview, sparkline
from stiplan.metrics.engine import Engine
from stiplan.metrics.links import behind
from stiplan.metrics.models import Computation, DataValue
from stiplan.metrics.precedence import side_by_side
from stiplan.metrics.status import FIRST_YEAR, plan_status
from stiplan.plans import versions
from stiplan.plans.models import Indicator, Plan, Target
from stiplan.reporting.models import ActionItem, ReportState, RoundKind

STATUS_ORDER = ["off_track", "at_risk", "on_track", "achieved", "no_data"]
MAX_SOURCE_ROWS = 400  # stored values listed on an indicator page (newest periods first)


def the_plan(request, code: str | None) -> Plan:
    plans = Plan.objects.restrict(request.user)
    return get_object_or_404(plans, code=code) if code else get_object_or_404(
        plans, code=DEFAULT_PLAN)


class OverviewView(TemplateView):
    """Every target as a tile: status colour, latest value against the band, sparkline."""

    template_name = "metrics/overview.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan = the_plan(self.request, self.request.GET.get("plan"))
        ctx.update(plan=plan, fragment_key=cache_key(plan))
        if cache.get(fragment_cache_key("overview", [ctx["fragment_key"], get_language()])):
            return ctx  # the tiles are in the template fragment cache
        statuses = overview(plan)
        tiles = []
        for s in statuses:
            values = [p.value for p in s.series.values()]
            tiles.append({"s": s, "spark": sparkline(values[-8:]),
                          "restated": s.latest and s.series[s.latest[0]].restated})
        counts = {k: sum(t["s"].status == k for t in tiles) for k in STATUS_ORDER}
        ctx.update(tiles=tiles, counts=counts)
        return ctx


class IndicatorView(TemplateView):
    """One indicator: the province series (restated years marked), target bands, forecast,
    the breakdown by unit, the data table, every stored value side by side with its source and
    the one used, and downloads. Values still under review are shown to the Department only."""

    template_name = "metrics/indicator.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan = the_plan(self.request, self.request.GET.get("plan"))
        indicator = get_object_or_404(Indicator, code=kwargs["code"])
        table, chart = indicator_data(plan, indicator)
        staff = can(self.request.user, "plans.change_plan", plan)
        stored = list(DataValue.objects.restrict(self.request.user, "view").filter(
            indicator=indicator).select_related("unit").order_by("-period")[:MAX_SOURCE_ROWS])
        rows_behind = behind(stored, self.request.user)
        for value in stored:  # the rows a computed value was computed from, as the reader may see
            value.behind = rows_behind.get(value.pk)
        ctx.update(plan=plan, indicator=indicator, rows=table["rows"], units=table["units"],
                   formula=formula_in_words(indicator),
                   statuses=table["statuses"], chart=chart,
                   sources=side_by_side(stored, include_provisional=staff),
                   can_override=staff,
                   choices=[(k, STATUS_LABELS[k]) for k in ORDER])
        return ctx

    def post(self, request, code: str):
        plan = the_plan(request, request.GET.get("plan"))
        target = Target.objects.filter(  # the version in force: the latest amendment
            plan=plan, code=request.POST.get("target", ""), indicator__code=code,
        ).order_by(F("valid_from").desc(nulls_last=True)).first()
        if target is None:
            raise Http404
        try:
            override_status(target, request.POST.get("status", ""), request.POST.get("reason", ""),
                            by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã điều chỉnh trạng thái mục tiêu %(code)s.")
                             % {"code": target.code})
        return redirect("indicator-detail", code=code)


def formula_in_words(indicator: Indicator) -> str:
    """How a computed indicator is made, with the indicators named, not coded:
    "100 × Chi cho KH&CN từ NSNN / (GRDP × 1000)"; the TFP model is named as such."""
    computation = Computation.objects.filter(indicator=indicator).first()
    if computation is None:
        return ""
    formula = computation.formula
    if not formula:
        return _("Hạch toán tăng trưởng (năng suất nhân tố tổng hợp, TFP)")
    names = dict(Indicator.objects.filter(code__in=re.findall(r"[a-z_][a-z0-9_]*", formula))
                 .values_list("code", "name"))
    named = re.sub(r"[a-z_][a-z0-9_]*", lambda m: names.get(m.group(0), m.group(0)), formula)
    return named.replace("*", "×")


def indicator_data(plan: Plan, indicator: Indicator) -> tuple[dict, dict]:
    engine = Engine(plan, codes={indicator.code}
                    | set(plan.targets.values_list("indicator__code", flat=True)))
    today = timezone.localdate()
    province = engine.province(today)
    years = range(FIRST_YEAR, today.year)
    series = engine.series(indicator.code, province.code, years)
    parts = [engine.units[c] for c in engine.lineage.predecessors(province.code)
             if engine.units[c].type == province.type]
    breakdown = {u.code: engine.series(indicator.code, u.code, years) for u in parts}
    statuses = [s for s in plan_status(plan, today=today, engine=engine)
                if s.target.indicator_id == indicator.pk]
    rows = [{"year": y, "value": p.value, "restated": p.restated, "computed": p.computed,
             "parts": [breakdown[u.code][y].value for u in parts]} for y, p in series.items()]
    forecast = next((s.assessment.forecast for s in statuses if s.assessment.forecast), None)
    chart = {
        "years": list(years), "values": [p.value for p in series.values()],
        "restated": [p.restated for p in series.values()],
        "parts": [{"name": u.short_name or u.name, "values": [breakdown[u.code][y].value
                                                               for y in years]} for u in parts],
        "targets": [{"year": s.target.year, "low": float(s.target.low or s.target.value or 0),
                     "high": float(s.target.high or s.target.value or 0),
                     "wording": s.target.wording} for s in statuses],
        "forecast": None if forecast is None else {
            "from": forecast.years[1], "year": statuses[0].target.year if statuses else None,
            "value": forecast.value, "low": forecast.low, "high": forecast.high},
        "unit": indicator.unit,
    }
    return {"rows": rows, "units": parts, "statuses": statuses}, chart


class IndicatorDownloadView(View):
    def get(self, request, code: str, fmt: str):
        plan = the_plan(request, request.GET.get("plan"))
        indicator = get_object_or_404(Indicator, code=code)
        table, _chart = indicator_data(plan, indicator)
        header = ["năm / year", f"{indicator.code} ({indicator.unit})", "tính lại / restated",
                  *[u.code for u in table["units"]]]
        rows = [[r["year"], r["value"], "x" if r["restated"] else "", *r["parts"]]
                for r in table["rows"]]
        return table_response(header, rows, fmt, indicator.code, sheet=indicator.code)


BOARD_STATUSES = ("done", "in_progress", "blocked", "not_started")


def accepted_status_counts(round_) -> dict[tuple[int, str], int]:
    """(action id, status) → how many accepted reports of `round_` give that status. The counts
    are public (the plan's published progress, like the indicators taken from accepted reports);
    which unit said what stays with those who may read the reports."""
    rows = (ActionItem.objects.filter(report__round=round_, report__state=ReportState.ACCEPTED)
            .values("action_id", "status").annotate(n=Count("pk")))
    return {(row["action_id"], row["status"]): row["n"] for row in rows}


class ActionBoardView(TemplateView):
    """The status of every action by task group and unit, from the latest accepted reports."""

    template_name = "metrics/actions.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan = the_plan(self.request, self.request.GET.get("plan"))
        round_ = plan.rounds.filter(kind=RoundKind.ANNUAL).order_by("-year").first()
        items, counts = ActionItem.objects.none(), {}
        if round_ is not None:
            items = ActionItem.objects.restrict(self.request.user).filter(
                report__round=round_, report__state=ReportState.ACCEPTED
            ).select_related("report__unit", "action__group")
            counts = accepted_status_counts(round_)
        by_action: dict[int, list] = {}
        for item in items:
            by_action.setdefault(item.action_id, []).append(item)
        groups = []
        in_force = (versions.actions_for_year(plan, round_.year) if round_ is not None
                    else versions.actions_in_force(plan, timezone.localdate()))
        for action in in_force:
            if not groups or groups[-1]["group"] != action.group:
                groups.append({"group": action.group, "actions": []})
            groups[-1]["actions"].append({
                "action": action, "items": by_action.get(action.pk, []),
                "counts": {s: counts.get((action.pk, s), 0) for s in BOARD_STATUSES}})
        ctx.update(plan=plan, round=round_, groups=groups)
        return ctx


