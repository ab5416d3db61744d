"""Plan pages: the plan as the decision lays it out, filtered by unit and date."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from stiplan.core.dates import parse_day
from stiplan.core.permissions import access_of, can
from stiplan.orgs.models import OrgUnit
from stiplan.plans.actions import add_assignment, remove_assignment
from stiplan.plans.forms import AssignmentForm, RemoveAssignmentForm
from stiplan.plans.io import export_plan, to_json_ready, to_yaml
from stiplan.plans.models import (
    Action,
    Assignment,
    ObjectiveKind,
    Plan,
    PlanIndicator,
    Section,
    Target,
    TaskGroup,
)
from stiplan.plans.responsibility import Responsibilities


def get_plan(request, code: str) -> Plan:
    return get_object_or_404(Plan.objects.restrict(request.user).select_related("issuing_unit"),
                             code=code)


class PlanListView(ListView):
    template_name = "plans/plan_list.html"

    def get_queryset(self):
        return Plan.objects.restrict(self.request.user).select_related("issuing_unit")


class PlanDetailView(TemplateView):
    """Objectives, targets, and every task group with its actions and who holds them today."""

    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        request = self.request
        plan = get_plan(request, kwargs["code"])
        day = parse_day(request.GET.get("on"))
        resp = Responsibilities(plan, day)
        units_on_day = OrgUnit.objects.valid_on(day).exclude(type="commune").order_by("type", "code")
        unit = self._chosen_unit(day)
        groups = TaskGroup.objects.filter(plan=plan).prefetch_related(
            Prefetch("actions", queryset=Action.objects.prefetch_related(
                Prefetch("assignments", queryset=Assignment.objects.select_related("unit")))))
        sections = {s: [] for s in Section.values}
        shown = 0
        for group in groups:
            rows = []
            for action in group.actions.all():
                holders = [resp.resolve(a) for a in action.assignments.all()]
                if unit is None or any(unit in h.units for h in holders):
                    rows.append((action, holders))
            shown += len(rows)
            if rows or unit is None:
                sections[group.section].append((group, rows))
        ctx.update(
            plan=plan, day=day, unit=unit, units=units_on_day, shown=shown,
            my_units=self._my_units(day),
            general=plan.objectives.filter(kind=ObjectiveKind.GENERAL),
            specific=plan.objectives.filter(kind=ObjectiveKind.SPECIFIC),
            targets=Target.objects.filter(plan=plan).select_related("indicator"),
            indicators=PlanIndicator.objects.filter(plan=plan).select_related(
                "indicator", "objective"),
            related=plan.related_documents.all(),
            section_iii=sections[Section.TASKS], section_iv=sections[Section.ORGANISATION],
            can_edit=can(request.user, "plans.change_plan", plan),
        )
        return ctx

    def _chosen_unit(self, day):
        code = self.request.GET.get("unit", "")
        if code == "mine":
            mine = self._my_units(day)
            return mine[0] if mine else None
        return OrgUnit.objects.filter(code=code).first() if code else None

    def _my_units(self, day):
        ids = access_of(self.request.user).unit_ids
        return list(OrgUnit.objects.filter(pk__in=ids).valid_on(day)) if ids else []


class PlanExportView(View):
    def get(self, request, code: str, fmt: str):
        plan = get_plan(request, code)
        data = export_plan(plan)
        if fmt == "json":
            body = json.dumps(to_json_ready(data), ensure_ascii=False, indent=2)
            content_type = "application/json; charset=utf-8"
        elif fmt == "yaml":
            body, content_type = to_yaml(data), "application/yaml; charset=utf-8"
        else:
            raise Http404
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{plan.code}.{fmt}"'
        return response


class ActionDetailView(TemplateView):
    """One action: its text, who held it when, and (for plan officers) the assignment editor."""

    template_name = "plans/action_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.plan = get_plan(request, kwargs["code"])
        self.action = get_object_or_404(
            Action.objects.select_related("group"), group__plan=self.plan,
            code=kwargs["action_code"])
        self.day = parse_day(request.GET.get("on"))
        return super().dispatch(request, *args, **kwargs)

    def units(self):
        return OrgUnit.objects.valid_on(self.day).exclude(type="commune").order_by("type", "code")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        resp = Responsibilities(self.plan, self.day)
        holders = [resp.resolve(a) for a in self.action.assignments.select_related("unit")]
        ctx.update(plan=self.plan, action=self.action, day=self.day, holders=holders,
                   can_edit=can(self.request.user, "plans.change_plan", self.plan),
                   form=kwargs.get("form") or AssignmentForm(units=self.units()),
                   history_type=Assignment._meta.label_lower)
        return ctx

    def post(self, request, *args, **kwargs):
        if not can(request.user, "plans.change_plan", self.plan):
            raise PermissionDenied
        if "assignment" in request.POST:
            form = RemoveAssignmentForm(request.POST)
            if form.is_valid():
                assignment = get_object_or_404(self.action.assignments,
                                               pk=form.cleaned_data["assignment"])
                remove_assignment(assignment, by=request.user,
                                     reason=form.cleaned_data["reason"])
                messages.success(request, _("Đã bỏ phân công."))
            else:
                messages.error(request, _("Cần nêu lý do khi bỏ phân công."))
            return redirect(request.path)
        form = AssignmentForm(request.POST, units=self.units())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        add_assignment(self.action, form.cleaned_data["unit"], form.cleaned_data["role"],
                          by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Đã thêm phân công."))
        return redirect(request.path)
