"""Reporting pages: rounds, the completeness board, a unit's report with review, Excel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from stiplan.analytics.vntext import format_vi
from stiplan.core.permissions import access_of, can
from stiplan.core.uploads import accepts_upload
from stiplan.core.yamlio import InputError
from stiplan.plans.models import Plan
from stiplan.reporting import actions as act
from stiplan.reporting.actions import add_evidence, remove_evidence
from stiplan.reporting.board import round_board
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
from stiplan.reporting.validation import check_report


def visible_board(round_: Round, user):
    """The board of a round over the reports `user` may see."""
    return round_board(round_, round_.reports.restrict(user).select_related("unit",
                                                                           "inherited_from"))


def visible_report(request, pk: int) -> UnitReport:
    return get_object_or_404(
        UnitReport.objects.restrict(request.user).select_related("round__plan", "unit"), pk=pk)


def may_upload(user, pk: int) -> bool:
    """Whether `user` may send a file into report `pk`; judged before the body is read."""
    report = UnitReport.objects.restrict(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return can(user, "reporting.edit_report", report)


class RoundListView(LoginRequiredMixin, TemplateView):
    template_name = "reporting/round_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        rounds = list(Round.objects.restrict(user).select_related("plan"))
        ctx["boards"] = [visible_board(r, user) for r in rounds]
        ctx["my_reports"] = UnitReport.objects.restrict(user).filter(
            unit_id__in=access_of(user).unit_ids).select_related("round", "unit")
        ctx["can_open"] = can(user, "reporting.open_round")
        return ctx


class OpenRoundView(LoginRequiredMixin, FormView):
    template_name = "reporting/round_open.html"
    form_class = OpenRoundForm

    def dispatch(self, request, *args, **kwargs):
        self.plan = get_object_or_404(Plan.objects.restrict(request.user),
                                      code=request.GET.get("plan", "vinh-long-1925-2023"))
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


class RoundBoardView(LoginRequiredMixin, TemplateView):
    """Completeness and timeliness of one round, with the overdue units."""

    template_name = "reporting/round_board.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        round_ = get_object_or_404(Round.objects.restrict(user).select_related("plan"),
                                   pk=kwargs["pk"])
        board = visible_board(round_, user)
        history = [visible_board(r, user) for r in Round.objects.restrict(user).filter(
            plan=round_.plan, kind=RoundKind.ANNUAL)]
        ctx.update(round=round_, board=board, history=history,
                   can_open=can(user, "reporting.open_round"))
        return ctx

    def post(self, request, *args, **kwargs):
        """Follow reorganisations (verb "sync"), or close, archive or reopen the round."""
        round_ = get_object_or_404(Round.objects.restrict(request.user), pk=kwargs["pk"])
        verb = request.POST.get("verb", "sync")
        reason = request.POST.get("reason", "")
        try:
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
        except act.Conflict as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("round-board", pk=round_.pk)


class ReportView(LoginRequiredMixin, TemplateView):
    """A unit's report: the unit edits and submits; the Department returns, accepts, unlocks."""

    template_name = "reporting/report_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        report = kwargs.get("report") or visible_report(self.request, kwargs["pk"])
        findings = check_report(report)
        by_item: dict[str, list] = {}
        for f in findings:
            by_item.setdefault(f.item, []).append(f)
        posted = kwargs.get("posted") or {}
        ctx.update(
            report=report, findings=findings, by_item=by_item,
            actions=_rows(report.action_items.select_related("action__group"),
                          lambda i: f"a:{i.action.code}:", ACTION_FIELDS, posted, by_item,
                          lambda i: f"action:{i.action.code}"),
            indicators=_rows(report.indicator_items.select_related("indicator"),
                             lambda i: f"i:{i.indicator.code}:", INDICATOR_FIELDS, posted, by_item,
                             lambda i: f"indicator:{i.indicator.code}"),
            questions=_rows(report.question_items.all(), lambda i: f"q:{i.code}:", ("answer",),
                            posted, by_item, lambda i: f"question:{i.code}"),
            attachments=report.attachments.all(),
            statuses=ActionStatus.choices,
            round_open=report.round.is_open,
            can_edit=report.round.is_open and report.editable
            and can(user, "reporting.edit_report", report),
            can_review=report.round.is_open
            and report.state in (ReportState.SUBMITTED, ReportState.RESUBMITTED)
            and can(user, "reporting.review_report", report),
            can_unlock=report.round.is_open and report.state == ReportState.ACCEPTED
            and can(user, "reporting.unlock_report", report),
            comments={k[2:]: v for k, v in posted.items() if k.startswith("c:")},
            upload_form=UploadForm(), evidence_form=EvidenceForm(),
            history_type=UnitReport._meta.label_lower,
        )
        return ctx

    def post(self, request, pk: int):
        report = visible_report(request, pk)
        verb = request.POST.get("verb", "save")
        version = _int(request.POST.get("version"))
        try:
            if verb in ("save", "submit"):
                self._save(report, request.POST, version)
                report.refresh_from_db()
                if verb == "submit":
                    act.submit_report(report, by=request.user, expected_version=report.version)
                    messages.success(request, _("Đã gửi báo cáo đến Sở Khoa học và Công nghệ."))
                else:
                    messages.success(request, _("Đã lưu."))
            elif verb == "return":
                comments = {k[2:]: v for k, v in request.POST.items() if k.startswith("c:")}
                act.return_report(report, comments=comments, by=request.user,
                                  expected_version=version)
                messages.success(request, _("Đã trả lại báo cáo để đơn vị bổ sung."))
            elif verb == "accept":
                act.accept_report(report, by=request.user, expected_version=version)
                messages.success(request, _("Đã chấp nhận báo cáo."))
            elif verb == "unlock":
                act.unlock_report(report, reason=request.POST.get("reason", ""), by=request.user)
                messages.success(request, _("Đã mở khóa báo cáo."))
        except act.Conflict as exc:
            messages.error(request, str(exc))
            return self._again(report, request.POST, status=409)
        except InputError as exc:
            messages.error(request, _("Chưa lưu: %(n)s giá trị không hợp lệ, không có gì được lưu.")
                           % {"n": len(exc.problems)})
            for problem in exc.problems[:50]:
                messages.error(request, str(problem))
            return self._again(report, request.POST)
        except act.NotReady as exc:
            messages.error(request, _("Chưa gửi được: còn %(n)s vấn đề cần xử lý.")
                           % {"n": len(exc.findings)})
            return self._again(report, request.POST)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return self._again(report, request.POST)
        return redirect("report-detail", pk=pk)

    def _again(self, report, posted, status: int = 200):
        """The page again with what the user typed still in the fields (nothing is lost)."""
        report.refresh_from_db()
        return self.render_to_response(self.get_context_data(report=report, posted=posted),
                                       status=status)

    def _save(self, report: UnitReport, post, version) -> None:
        """Read the form into save_items' shape; save_items checks every value (InputError)."""
        actions, indicators, questions = {}, {}, {}
        for item in report.action_items.select_related("action"):
            p = f"a:{item.action.code}:"
            if p + "status" in post:
                actions[item.action.code] = {f: post.get(p + f, "") for f in ACTION_FIELDS}
        for item in report.indicator_items.select_related("indicator"):
            p = f"i:{item.indicator.code}:"
            if p + "value" in post:
                indicators[item.indicator.code] = {f: post.get(p + f, "")
                                                   for f in INDICATOR_FIELDS}
        for item in report.question_items.all():
            key = f"q:{item.code}:answer"
            if key in post:
                questions[item.code] = {"answer": post.get(key, "")}
        act.save_items(report, by=self.request.user, actions=actions, indicators=indicators,
                       questions=questions, expected_version=version)


ACTION_FIELDS = ("status", "done", "results", "difficulties", "proposals")
INDICATOR_FIELDS = ("value", "source", "note", "explanation")


def _rows(items, prefix_of, fields, posted, by_item, key_of) -> list[dict]:
    """Items with the values to show: what the user just posted, else what is saved."""
    rows = []
    for item in items:
        prefix = prefix_of(item)
        values = {}
        for f in fields:
            saved = getattr(item, f)
            if f == "value":
                saved = format_vi(saved)
            elif f != "status":
                saved = rich_to_text(saved or "")
            values[f] = posted.get(prefix + f, saved or "") if posted else (saved or "")
        rows.append({"item": item, "prefix": prefix, "values": values, "key": key_of(item),
                     "findings": by_item.get(key_of(item), [])})
    return rows


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class TemplateDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        report = visible_report(request, pk)
        if not can(request.user, "reporting.edit_report", report):
            raise PermissionDenied
        response = HttpResponse(
            build_template(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        name = f"bao-cao-{report.round.year}-{report.unit.code}-v{report.version}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


@accepts_upload(may_upload)
class UploadView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        report = visible_report(request, pk)
        if not can(request.user, "reporting.edit_report", report):
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Chưa chọn tệp để tải lên."))
            return redirect("report-detail", pk=pk)
        try:
            changed = apply_upload(report, form.cleaned_data["file"].read(), by=request.user)
        except InputError as exc:
            messages.error(request, _("Tệp bị từ chối, không có gì được lưu (%(n)s lỗi):")
                           % {"n": len(exc.problems)})
            for problem in exc.problems[:50]:
                messages.error(request, str(problem))
        except act.Conflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã nhận tệp: %(n)s mục được cập nhật.") % {"n": changed})
        return redirect("report-detail", pk=pk)


@accepts_upload(may_upload)
class EvidenceUploadView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        report = visible_report(request, pk)
        if not can(request.user, "reporting.edit_report", report):
            raise PermissionDenied
        form = EvidenceForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Chưa chọn tệp minh chứng."))
            return redirect("report-detail", pk=pk)
        upload = form.cleaned_data["file"]
        item = report.action_items.filter(action__code=form.cleaned_data["action"]).first()
        try:
            add_evidence(report, upload.name, upload.read(), by=request.user, action_item=item)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        except act.Conflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã lưu tệp minh chứng."))
        return redirect("report-detail", pk=pk)


class EvidenceRemoveView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        attachment = get_object_or_404(Attachment.objects.restrict(request.user)
                                       .select_related("report"), pk=pk)
        try:
            remove_evidence(attachment, by=request.user)
        except act.Conflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã xóa tệp minh chứng."))
        return redirect("report-detail", pk=attachment.report_id)


class EvidenceDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        attachment = get_object_or_404(Attachment.objects.restrict(request.user), pk=pk)
        response = FileResponse(attachment.file.open("rb"), as_attachment=True,
                                filename=attachment.name, content_type=attachment.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response
