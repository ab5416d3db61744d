"""Plan pages: the plan as the decision lays it out (filtered by unit and date, with the targets in
force on that date), its versions, later decisions, and the import of a plan from its document."""

from __future__ import annotations

import json
import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from stiplan.core.dates import parse_day
from stiplan.core.permissions import access_of, can
from stiplan.core.tables import download
from stiplan.core.uploads import accepts_upload, may_change_row
from stiplan.core.views import RestrictedQuerysetMixin
from stiplan.core.yamlio import InputError, Problem
from stiplan.orgs.models import OrgUnit
from stiplan.plans import actions as plan_actions
from stiplan.plans import drafts, editing, versions
from stiplan.plans.actions import add_assignment, remove_assignment
from stiplan.plans.docreaders import READ_IN_BACKGROUND, sniff_kind
from stiplan.plans.forms import (
    ActionChangeFormSet,
    AssignmentForm,
    DecisionForm,
    DeleteItemForm,
    DraftUploadForm,
    RemoveAssignmentForm,
    TargetChangeFormSet,
)
from stiplan.plans.io import export_plan, to_json_ready, to_yaml
from stiplan.plans.models import (
    Action,
    AmendmentKind,
    Assignment,
    DraftStatus,
    ObjectiveKind,
    Plan,
    PlanDraft,
    PlanIndicator,
    Section,
    Target,
    TaskGroup,
)
from stiplan.plans.responsibility import Responsibilities


def get_plan(request, code: str) -> Plan:
    return get_object_or_404(Plan.objects.restrict(request.user).select_related("issuing_unit"),
                             code=code)


class PlanListView(RestrictedQuerysetMixin, ListView):
    template_name = "plans/plan_list.html"
    queryset = Plan.objects.select_related("issuing_unit")


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
        in_force: dict[int, list[Action]] = {}
        for action in versions.actions_in_force(plan, day, versions.action_rows(plan)
                                                .prefetch_related(Prefetch(
                                                    "assignments", queryset=Assignment.objects
                                                    .select_related("unit")))):
            in_force.setdefault(action.group_id, []).append(action)
        sections = {s: [] for s in Section.values}
        shown = 0
        for group in TaskGroup.objects.filter(plan=plan):
            rows = []
            for action in in_force.get(group.pk, []):
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
            targets=versions.targets_in_force(plan, day),
            versions=versions.history(plan), drafts=plan.drafts.restrict(request.user),
            in_force=versions.in_force_on(plan, day),
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
        return download(body.encode("utf-8"), content_type, f"{plan.code}.{fmt}")


class ActionDetailView(TemplateView):
    """One action: its text, who held it when, and (for plan officers) the assignment editor."""

    template_name = "plans/action_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.plan = get_plan(request, kwargs["code"])
        self.day = parse_day(request.GET.get("on"))
        rows = versions.action_rows(self.plan).filter(code=kwargs["action_code"])
        self.action = next(iter(versions.actions_in_force(self.plan, self.day, rows)), None) or (
            get_object_or_404(rows, amendment=None))  # not in force that day: as issued
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


# --- Import from a document, review, publish -----------------------------------------------------

class PlanOfficerOnly(LoginRequiredMixin):
    """Pages of the plan officers (import, review, later decisions): others get 403."""

    permission = "plans.load_plan"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def may_import(user) -> bool:
    return can(user, "plans.load_plan")


@accepts_upload(may_import)
class PlanImportView(PlanOfficerOnly, FormView):
    """Upload a decision (DOCX, PDF, scan, text): it is read into a draft to review."""

    template_name = "plans/plan_import.html"
    form_class = DraftUploadForm

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["drafts"] = PlanDraft.objects.restrict(self.request.user).select_related("plan")[:20]
        return ctx

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        raw = upload.read()
        if sniff_kind(raw[:8], upload.name) in READ_IN_BACKGROUND:  # OCR: progress on the page
            draft = plan_actions.request_draft(upload.name, raw, by=self.request.user)
            return redirect("draft-review", pk=draft.pk)
        try:
            draft = plan_actions.create_draft(upload.name, raw, by=self.request.user)
        except InputError as exc:
            for problem in exc.problems:
                form.add_error("file", f"{problem.vi} — {problem.en}")
            return self.form_invalid(form)
        messages.success(self.request, _("Đã đọc văn bản thành bản nháp; hãy rà soát các mục "
                                         "được đánh dấu trước."))
        return redirect("draft-review", pk=draft.pk)


#: The draft's counts, in the page's words (the reader's summary keys are its field names).
SUMMARY_LABELS = {"objectives": gettext_lazy("mục tiêu"), "targets": gettext_lazy("chỉ tiêu"),
                  "task_groups": gettext_lazy("nhóm nhiệm vụ"), "actions": gettext_lazy("nhiệm vụ"),
                  "assignments": gettext_lazy("phân công"),
                  "related_documents": gettext_lazy("văn bản liên quan"),
                  "flags": gettext_lazy("điểm đánh dấu")}


class DraftReviewView(PlanOfficerOnly, TemplateView):
    """The draft beside its source text, flagged items first; accept, fix or drop each item."""

    template_name = "plans/draft_review.html"

    def dispatch(self, request, *args, **kwargs):
        self.draft = get_object_or_404(PlanDraft.objects.restrict(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.draft.status in (DraftStatus.READING, DraftStatus.FAILED):
            template = "plans/_draft_progress.html" if request.htmx else "plans/draft_reading.html"
            response = self.response_class(request, template, {"draft": self.draft},
                                           status=409 if request.method == "POST" else 200)
            if request.htmx and self.draft.status != DraftStatus.READING:
                response["HX-Refresh"] = "true"  # failed: the whole page shows the reason
            return response
        if request.htmx:  # read while the page waited: show the review
            return HttpResponse(headers={"HX-Refresh": "true"})
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        draft = self.draft
        found = drafts.items(draft.result, draft.decisions)
        _data, problems = drafts.validate(draft.result, draft.decisions)
        for item in found:
            item.problems = problems.get(item.key, [])
        first = [i for i in found if i.open or i.problems]
        ctx.update(draft=draft, first=first, rest=[i for i in found if i not in first],
                   open_count=sum(1 for i in found if i.open),
                   problem_count=sum(len(p) for p in problems.values()),
                   lines=list(enumerate(draft.text.splitlines(), start=1)),
                   summary=[(SUMMARY_LABELS.get(k, k), n)
                            for k, n in draft.result.get("summary", {}).items()],
                   errors=kwargs.get("errors", []))
        return ctx

    def post(self, request, *args, **kwargs):
        if self.draft.status in (DraftStatus.READING, DraftStatus.FAILED):
            return self.get(request, *args, **kwargs)  # nothing to review yet: 409
        key, state = request.POST.get("key", ""), request.POST.get("state", "")
        try:
            if state == "publish":
                plan = plan_actions.publish_draft(self.draft, by=request.user)
                messages.success(request, _("Đã đưa kế hoạch vào hệ thống."))
                return redirect("plan-detail", code=plan.code)
            values = {k: v for k, v in request.POST.items() if k not in ("key", "state",
                                                                         "csrfmiddlewaretoken")}
            plan_actions.decide_item(self.draft, key, state, by=request.user, values=values)
        except (KeyError, ValueError):
            raise Http404 from None
        except InputError as exc:
            self.draft.refresh_from_db()
            return self.render_to_response(self.get_context_data(errors=exc.problems),
                                           status=400)
        return redirect(f"{request.path}#item-{key}" if key else request.path)


class DraftSourceView(PlanOfficerOnly, View):
    """The archived source document of a draft (and of the plan published from it)."""

    def get(self, request, pk: int):
        draft = get_object_or_404(PlanDraft.objects.restrict(request.user), pk=pk)
        return _stored_file(draft.source, draft.source_name)


def _stored_file(stored, name: str) -> FileResponse:
    try:
        handle = stored.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=name or stored.name.rsplit("/")[-1])


# --- Versions: later decisions that amend or supersede a plan ---------------------------------

class PlanVersionsView(TemplateView):
    """Every version of a plan: the decision as issued, then each amendment with what changed."""

    template_name = "plans/plan_versions.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan = get_plan(self.request, kwargs["code"])
        ctx.update(plan=plan, versions=versions.history(plan),
                   drafts=plan.drafts.restrict(self.request.user),
                   can_edit=can(self.request.user, "plans.change_plan", plan))
        return ctx


class AmendmentFileView(PlanOfficerOnly, View):
    def get(self, request, code: str, version: int):
        plan = get_plan(request, code)
        amendment = get_object_or_404(plan.amendments, version=version)
        if not amendment.file:
            raise Http404
        return _stored_file(amendment.file, amendment.file_name)


@accepts_upload(may_change_row(Plan, "plans.change_plan", key="code"))
class PlanAmendView(PlanOfficerOnly, TemplateView):
    """Record a later decision: the targets and actions it changes, adds or removes (from its
    date), or the supersession."""

    template_name = "plans/plan_amend.html"
    permission = "plans.change_plan"

    def dispatch(self, request, *args, **kwargs):
        self.plan = get_plan(request, kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def codes(self):
        return [t.code for t in versions.targets_in_force(self.plan, timezone.localdate())]

    def formsets(self, data=None) -> tuple:
        actions = versions.actions_in_force(self.plan, timezone.localdate())
        groups = self.plan.task_groups.values_list("code", flat=True)
        return (TargetChangeFormSet(data, prefix="t", form_kwargs={"codes": self.codes()}),
                ActionChangeFormSet(data, prefix="a", form_kwargs={
                    "codes": [a.code for a in actions], "groups": list(groups)}))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        changes, action_changes = kwargs.get("sets") or self.formsets()
        ctx.update(plan=self.plan,
                   targets=versions.targets_in_force(self.plan, timezone.localdate()),
                   form=kwargs.get("form") or DecisionForm(), changes=changes,
                   action_changes=action_changes)
        return ctx

    def post(self, request, *args, **kwargs):
        form = DecisionForm(request.POST, request.FILES)
        sets = self.formsets(request.POST)
        if not (form.is_valid() and all(s.is_valid() for s in sets)):
            return self.render_to_response(self.get_context_data(form=form, sets=sets),
                                           status=400)
        data, upload = form.cleaned_data, form.cleaned_data["file"]
        decision = plan_actions.Decision(data["number"], data["date"], data["title"],
                                         upload.name if upload else "",
                                         upload.read() if upload else b"")
        rows = [f for f in sets[0].forms if f.cleaned_data.get("target")]
        action_rows = [f for f in sets[1].forms if f.change()]
        try:
            if data["kind"] == AmendmentKind.SUPERSEDE:
                plan_actions.supersede_plan(self.plan, decision, by=request.user)
            else:
                plan_actions.amend_plan(
                    self.plan, decision, [_change(self.plan, f.cleaned_data) for f in rows],
                    actions=[f.change() for f in action_rows], by=request.user)
        except InputError as exc:
            _problems_on_forms(exc.problems, form, {"targets": rows, "actions": action_rows})
            return self.render_to_response(self.get_context_data(form=form, sets=sets),
                                           status=400)
        messages.success(request, _("Đã ghi nhận quyết định %(n)s.") % {"n": decision.number})
        return redirect("plan-versions", code=self.plan.code)


def _change(plan: Plan, row: dict) -> dict:
    """A changed target as a plan file's `targets` entry, completed from the target it changes."""
    if row.get("removed"):
        return {"code": row["target"], "removed": True}
    old = Target.objects.filter(plan=plan, code=row["target"]).select_related("indicator").first()
    single = row["comparator"] != "range"
    return {"code": row["target"], "indicator": old.indicator.code, "year": old.year,
            "comparator": row["comparator"],
            "value": drafts.coerce("value", row["value"]) if single else None,
            "low": None if single else drafts.coerce("low", row["low"]),
            "high": None if single else drafts.coerce("high", row["high"]),
            "at_least": row["at_least"], "wording": row["wording"], "recurring": old.recurring,
            "source": old.source}


def _problems_on_forms(problems, form, rows: dict[str, list]) -> None:
    """Each problem on its field: "targets[1].low" on the second changed target, "actions[0]
    .text" on the first changed action, "date" on the decision's form."""
    for problem in problems:
        message = f"{problem.vi} — {problem.en}"
        match = re.match(r"(targets|actions)\[(\d+)\]\.?(\w*)", problem.path)
        found = rows[match.group(1)] if match else []
        if match and int(match.group(2)) < len(found):
            row = found[int(match.group(2))]
            name = {"code": "target" if match.group(1) == "targets" else "action"}.get(
                match.group(3), match.group(3))
            row.add_error(name if name in row.fields else None, message)
        else:
            form.add_error(problem.path if problem.path in form.fields else None, message)


# --- Editing a plan -------------------------------------------------------------------------------

class PlanEditView(PlanOfficerOnly, TemplateView):
    """Every item of the plan as a form, checked as the plan file is; new items at the end."""

    template_name = "plans/plan_edit.html"
    permission = "plans.change_plan"

    def dispatch(self, request, *args, **kwargs):
        self.plan = get_plan(request, kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        data = editing.normal(self.plan)
        found = drafts.items({"plan": data, "flags": []}, {})
        problems = kwargs.get("problems", {})
        for item in found:
            item.problems = problems.get(item.key, [])
        adding = [(to, drafts.ITEM_FIELDS[to], problems.get(f"+{to}", []))
                  for to in editing.NEW_ENTRY]
        ctx.update(plan=self.plan, items=found, adding=adding, deletable=editing.DELETABLE,
                   groups=[(f"task_groups[{g}].actions", group["code"], group["title"])
                           for g, group in enumerate(data["task_groups"])],
                   action_problems=problems.get("+actions", []))
        return ctx

    def post(self, request, *args, **kwargs):
        values = {k: v for k, v in request.POST.items()
                  if k not in ("key", "add", "csrfmiddlewaretoken")}
        key, to = request.POST.get("key", ""), request.POST.get("add", "")
        try:
            if to:
                plan_actions.add_plan_item(self.plan, to, values, by=request.user)
            else:
                plan_actions.edit_plan_item(self.plan, key, values, by=request.user)
        except (KeyError, IndexError, ValueError):
            raise Http404 from None
        except InputError as exc:
            where = f"+{'actions' if '.actions' in to else to}" if to else key
            problems = {where: [Problem(None, p.path.rsplit(".", 1)[-1], p.vi, p.en)
                                for p in exc.problems]}
            return self.render_to_response(self.get_context_data(problems=problems), status=400)
        messages.success(request, _("Đã lưu thay đổi."))
        return redirect(f"{request.path}#item-{key}" if key else request.path)


class PlanItemDeleteView(PlanOfficerOnly, TemplateView):
    """Delete one item of a draft plan (`?item=targets[3]`): what goes with it and why it may
    not go are shown first; the deletion needs a reason and is audited."""

    template_name = "plans/plan_item_delete.html"
    permission = "plans.change_plan"

    def dispatch(self, request, *args, **kwargs):
        self.plan = get_plan(request, kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def render_item(self, key: str, status: int = 200, **extra):
        try:
            found = editing.removal(self.plan, key)
        except (KeyError, IndexError, ValueError):
            messages.error(self.request, _("Không có mục này để xóa."))
            return redirect("plan-edit", code=self.plan.code)
        return self.render_to_response(self.get_context_data(
            plan=self.plan, removal=found, form=extra.get("form") or DeleteItemForm()),
            status=status)

    def get(self, request, *args, **kwargs):
        return self.render_item(request.GET.get("item", ""))

    def post(self, request, *args, **kwargs):
        key, form = request.POST.get("item", ""), DeleteItemForm(request.POST)
        if not form.is_valid():
            return self.render_item(key, 400, form=form)
        try:
            found = plan_actions.delete_plan_item(self.plan, key, by=request.user,
                                                  reason=form.cleaned_data["reason"])
        except (KeyError, IndexError, ValueError):
            return self.render_item(key)
        except InputError:
            return self.render_item(key, 409)
        messages.success(request, _("Đã xóa %(item)s.") % {"item": found.label[:80]})
        return redirect("plan-edit", code=self.plan.code)
