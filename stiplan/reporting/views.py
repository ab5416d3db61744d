"""Reporting pages: rounds, the completeness board, a unit's report with review, Excel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from stiplan.analytics.vntext import format_vi
from stiplan.core.constants import DEFAULT_PLAN, MIME_XLSX
from stiplan.core.permissions import access_of, can
from stiplan.core.tables import download
from stiplan.core.uploads import accepts_upload
from stiplan.core.views import RefusalMessagesMixin, RestrictedQuerysetMixin, int_or_none
from stiplan.core.yamlio import InputError
from stiplan.plans.models import Plan
from stiplan.plans.versions import targets_for_year
from stiplan.reporting import actions as act
from stiplan.reporting.access import may_upload, visible_board
from stiplan.reporting.actions import add_evidence, remove_evidence
from stiplan.reporting.board import BOARD_SORTS, WAITING, board_rows
from stiplan.reporting.checklist import (
    REFUSED,
    field_id,
    field_prefix,
    finding_lines,
    item_label,
    item_labels,
    problem_lines,
    report_items,
    to_fix_lines,
)
from stiplan.reporting.excel import apply_upload, build_template
from stiplan.reporting.forms import EvidenceForm, OpenRoundForm, UploadForm
from stiplan.reporting.models import (
    ActionStatus,
    Attachment,
    ReportState,
    Round,
    RoundKind,
    UnitReport,
)
from stiplan.reporting.text import rich_to_text
from stiplan.reporting.validation import check_report, item_code
from stiplan.reporting.workflow import take_step


def visible_report(request, pk: int) -> UnitReport:
    return get_object_or_404(
        UnitReport.objects.restrict(request.user).select_related("round__plan", "unit"), pk=pk)


def editable_report(request, pk: int) -> UnitReport:
    """The report, if this user may see it (else 404) and edit it (else PermissionDenied)."""
    report = visible_report(request, pk)
    if not can(request.user, "reporting.edit_report", report):
        raise PermissionDenied
    return report


class RoundListView(LoginRequiredMixin, RestrictedQuerysetMixin, TemplateView):
    template_name = "reporting/round_list.html"
    queryset = Round.objects.select_related("plan")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        rounds = list(self.get_queryset())
        ctx["boards"] = [visible_board(r, user) for r in rounds]
        ctx["my_reports"] = UnitReport.objects.restrict(user).filter(
            unit_id__in=access_of(user).unit_ids).select_related("round", "unit")
        ctx["can_open"] = can(user, "reporting.open_round")
        ctx["reviews"] = can(user, "reporting.review_report")
        return ctx


class OpenRoundView(LoginRequiredMixin, FormView):
    template_name = "reporting/round_open.html"
    form_class = OpenRoundForm

    def dispatch(self, request, *args, **kwargs):
        self.plan = get_object_or_404(Plan.objects.restrict(request.user),
                                      code=request.GET.get("plan", DEFAULT_PLAN))
        if request.user.is_authenticated and not can(request.user, "reporting.open_round"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.plan}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            round_ = act.open_round(
                self.plan, kind=data["kind"], year=data["year"], deadline=data["deadline"],
                opened_on=data["opened_on"], title=data["title"], scope=form.scope(),
                period=data["period"] if data["kind"] == RoundKind.AD_HOC else "",
                by=self.request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã mở kỳ báo cáo và gửi yêu cầu đến %(n)s đơn vị.")
                         % {"n": round_.reports.count()})
        return redirect("round-board", pk=round_.pk)


class RoundBoardView(LoginRequiredMixin, RefusalMessagesMixin, RestrictedQuerysetMixin,
                     TemplateView):
    """Completeness and timeliness of one round, with the overdue units."""

    template_name = "reporting/round_board.html"
    queryset = Round.objects.select_related("plan")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        round_ = self.visible_object(pk=kwargs["pk"])
        board = visible_board(round_, user)
        history = [visible_board(r, user) for r in self.get_queryset().filter(
            plan=round_.plan, kind=RoundKind.ANNUAL)]
        states = [(WAITING, _("Chờ thẩm định"))] + [
            (value, label) for value, label in ReportState.choices
            if value != ReportState.TRANSFERRED]
        state = self.request.GET.get("state", "")
        state = state if state in dict(states) else ""
        sort = self.request.GET.get("sort", "unit")
        sort = sort if sort in BOARD_SORTS else "unit"
        ctx.update(round=round_, board=board, history=history, states=states, state=state,
                   sort=sort, rows=board_rows(board, state=state, sort=sort),
                   can_open=can(user, "reporting.open_round"),
                   targets=targets_for_year(round_.plan, round_.year))
        return ctx

    def post(self, request, *args, **kwargs):
        """Follow reorganisations (verb "sync"), or close, archive or reopen the round."""
        round_ = self.visible_object(pk=kwargs["pk"])
        verb = request.POST.get("verb", "sync")
        reason = request.POST.get("reason", "")
        if verb == "close":
            act.close_round(round_, by=request.user, reason=reason)
            messages.success(request, _("Đã đóng kỳ báo cáo."))
        elif verb == "archive":
            act.archive_round(round_, by=request.user, reason=reason)
            messages.success(request, _("Đã lưu trữ kỳ báo cáo."))
        elif verb == "reopen":
            act.reopen_round(round_, by=request.user, reason=reason)
            messages.success(request, _("Đã mở lại kỳ báo cáo."))
        else:
            done = act.sync_round(round_, timezone.localdate(), by=request.user)
            messages.info(request, _("Đã cập nhật theo sắp xếp tổ chức: %(done)s")
                          % {"done": ", ".join(done) or _("không có thay đổi")})
        return redirect("round-board", pk=round_.pk)


class ReportView(LoginRequiredMixin, RefusalMessagesMixin, RestrictedQuerysetMixin, TemplateView):
    """A unit's report: the unit edits and submits; the Department returns, accepts, unlocks."""

    template_name = "reporting/report_detail.html"
    queryset = UnitReport.objects.select_related("round__plan", "unit")
    shown_at_fields = (InputError,)  # refused values are marked at their fields, not as messages

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        report = kwargs.get("report") or self.visible_object(pk=kwargs["pk"])
        posted = kwargs.get("posted") or {}
        refused = kwargs.get("refused") or []
        labels = item_labels(report)
        findings = check_report(report, typed_items(report, posted) if posted else None)
        refused_lines = problem_lines(refused, labels)
        checklist = finding_lines(findings, labels, hide={(p.item, p.field) for p in refused})
        at_field: dict[str, list] = {}
        for line in (*refused_lines, *checklist):
            at_field.setdefault(line.field, []).append(line)
        ctx.update(
            report=report, findings=findings, checklist=checklist, refused=refused_lines,
            to_fix=to_fix_lines(report, labels) if report.state == ReportState.RETURNED else [],
            actions=_rows(report.action_items.select_related("action__group"), "action",
                          ACTION_FIELDS, posted, at_field),
            indicators=_rows(report.indicator_items.select_related("indicator"), "indicator",
                             INDICATOR_FIELDS, posted, at_field),
            questions=_rows(report.question_items.all(), "question", ("answer",), posted,
                            at_field),
            attachments=report.attachments.restrict(user),
            statuses=ActionStatus.choices,
            round_open=report.round.is_open,
            can_edit=report.round.is_open and report.editable
            and can(user, "reporting.edit_report", report),
            can_review=report.round.is_open
            and report.state in (ReportState.SUBMITTED, ReportState.RESUBMITTED)
            and can(user, "reporting.review_report", report),
            can_unlock=report.round.is_open and report.state == ReportState.ACCEPTED
            and can(user, "reporting.unlock_report", report),
            upload_form=UploadForm(), evidence_form=EvidenceForm(),
            history_type=UnitReport._meta.label_lower,
        )
        return ctx

    def post(self, request, pk: int):
        """Save (and submit), or take a review step; a refusal shows the page again with what
        the user typed (`refused`)."""
        self.report = report = self.visible_object(pk=pk)
        verb = request.POST.get("verb", "save")
        version = int_or_none(request.POST.get("version"))
        if verb in ("save", "submit"):
            act.save_items(report, by=request.user, expected_version=version,
                           **typed_items(report, request.POST, saved_as=True))
            report.refresh_from_db()
            version = report.version
        if verb == "save":
            messages.success(request, _("Đã lưu."))
        else:
            comments = {k[2:]: v for k, v in request.POST.items() if k.startswith("c:")}
            messages.success(request, take_step(report, verb, by=request.user, version=version,
                                                comments=comments,
                                                reason=request.POST.get("reason", "")))
        return redirect("report-detail", pk=pk)

    def refused(self, exc):
        if getattr(self, "report", None) is None:
            return super().refused(exc)
        if isinstance(exc, InputError):
            return self._again(self.report, self.request.POST, refused=exc.problems)
        return self._again(self.report, self.request.POST, status=self.refused_status(exc))

    def _again(self, report, posted, status: int = 200, refused=()):
        """The page again with what the user typed still in the fields (nothing is lost), each
        refused value marked at its field."""
        report.refresh_from_db()
        return self.render_to_response(
            self.get_context_data(report=report, posted=posted, refused=list(refused)),
            status=status)


ACTION_FIELDS = ("status", "done", "results", "difficulties", "proposals")
INDICATOR_FIELDS = ("value", "source", "note", "explanation")
FIELD_LABELS = {
    "status": _lazy("Tình trạng"), "done": _lazy("Đã thực hiện trong năm"),
    "results": _lazy("Kết quả, sản phẩm"), "difficulties": _lazy("Khó khăn, vướng mắc"),
    "proposals": _lazy("Đề xuất, kiến nghị"), "value": _lazy("Giá trị"),
    "source": _lazy("Nguồn số liệu"), "note": _lazy("Ghi chú"),
    "explanation": _lazy("Giải trình"), "answer": _lazy("Trả lời"),
}


def typed_items(report: UnitReport, post, *, saved_as: bool = False) -> dict:
    """What the form holds for each item, by kind ({"indicator": {code: {field: raw}}}); with
    `saved_as`, in save_items' keyword shape (actions=, indicators=, questions=)."""
    typed = {"action": {}, "indicator": {}, "question": {}}
    fields = {"action": ACTION_FIELDS, "indicator": INDICATOR_FIELDS, "question": ("answer",)}
    for key, kind, _item in report_items(report):
        prefix = field_prefix(key)
        if prefix + fields[kind][0] in post:
            typed[kind][key.partition(":")[2]] = {f: post.get(prefix + f, "") for f in fields[kind]}
    if saved_as:
        return {"actions": typed["action"], "indicators": typed["indicator"],
                "questions": typed["question"]}
    return typed


def _rows(items, kind: str, fields, posted, at_field) -> list[dict]:
    """Items with each field to show: its id, label, the value the user just posted (else the
    saved one) and what is wrong with it."""
    rows = []
    for item in items:
        key = f"{kind}:{item_code(kind, item)}"
        shown = []
        for f in fields:
            saved = getattr(item, f)
            if f == "value":
                saved = format_vi(saved)
            elif f != "status":
                saved = rich_to_text(saved or "")
            fid = field_id(key, f)
            shown.append({"name": f, "id": fid, "label": FIELD_LABELS[f],
                          "value": posted.get(fid, saved or "") if posted else (saved or ""),
                          "lines": at_field.get(fid, []),
                          "invalid": any(line.severity == REFUSED for line in at_field.get(fid, []))})
        rows.append({"item": item, "key": key, "label": item_label(kind, item), "fields": shown,
                     "comment": posted.get(f"c:{key}", "") if posted else "",
                     "values": {f["name"]: f["value"] for f in shown},
                     "has_error": any(f["invalid"] for f in shown)})
    return rows


class TemplateDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        report = editable_report(request, pk)
        name = f"bao-cao-{report.round.year}-{report.unit.code}-v{report.version}.xlsx"
        return download(build_template(report), MIME_XLSX, name)


class ReportFileView(LoginRequiredMixin, RefusalMessagesMixin, View):
    """A POST about a report's files (the Excel upload, evidence): a refusal is shown on the
    report's page."""

    def refused(self, exc):
        return redirect("report-detail", pk=self.report_id)


@accepts_upload(may_upload)
class ReportUploadView(ReportFileView):
    """A file sent into an editable report through `form_class`: without one, `missing` is said;
    else `receive(report, data)` stores it and returns what to say."""

    form_class: type | None = None
    missing = ""

    def post(self, request, pk: int):
        self.report_id = pk
        report = editable_report(request, pk)
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, self.missing)
        else:
            messages.success(request, self.receive(report, form.cleaned_data))
        return redirect("report-detail", pk=pk)

    def receive(self, report, data: dict) -> str:
        raise NotImplementedError


class UploadView(ReportUploadView):
    form_class, missing = UploadForm, _lazy("Chưa chọn tệp để tải lên.")

    def receive(self, report, data):
        changed = apply_upload(report, data["file"].read(), by=self.request.user)
        return _("Đã nhận tệp: %(n)s mục được cập nhật.") % {"n": changed}


class EvidenceUploadView(ReportUploadView):
    form_class, missing = EvidenceForm, _lazy("Chưa chọn tệp minh chứng.")

    def receive(self, report, data):
        item = report.action_items.filter(action__code=data["action"]).first()
        add_evidence(report, data["file"].name, data["file"].read(), by=self.request.user,
                     action_item=item)
        return _("Đã lưu tệp minh chứng.")


class EvidenceRemoveView(RestrictedQuerysetMixin, ReportFileView):
    queryset = Attachment.objects.select_related("report")

    def post(self, request, pk: int):
        attachment = self.visible_object(pk=pk)
        self.report_id = attachment.report_id
        remove_evidence(attachment, by=request.user)
        messages.success(request, _("Đã xóa tệp minh chứng."))
        return redirect("report-detail", pk=attachment.report_id)


class EvidenceDownloadView(LoginRequiredMixin, RestrictedQuerysetMixin, View):
    model = Attachment

    def get(self, request, pk: int):
        attachment = self.visible_object(pk=pk)
        response = FileResponse(attachment.file.open("rb"), as_attachment=True,
                                filename=attachment.name, content_type=attachment.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response
