"""Reporting pages: rounds, the completeness board, a unit's report with review, Excel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from stiplan.analytics.vntext import NumberError, format_vi, parse_number
from stiplan.core.permissions import access_of, can
from stiplan.core.uploads import accepts_upload
from stiplan.core.yamlio import InputError
from stiplan.plans.models import Plan
from stiplan.reporting import actions as act
from stiplan.reporting.board import round_board
from stiplan.reporting.evidence import add_evidence
from stiplan.reporting.excel import apply_upload, build_template, storable_problem
from stiplan.reporting.forms import EvidenceForm, OpenRoundForm, UploadForm
from stiplan.reporting.models import (
    ActionStatus,
    Attachment,
    ReportState,
    Round,
    RoundKind,
    UnitReport,
)
from stiplan.reporting.text import clean_rich, clean_text, rich_to_text
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
        round_ = get_object_or_404(Round.objects.restrict(request.user), pk=kwargs["pk"])
        from django.utils import timezone

        done = act.sync_round(round_, timezone.localdate(), by=request.user)
        messages.info(request, _("Đã cập nhật theo sắp xếp tổ chức: %(done)s")
                      % {"done": ", ".join(done) or _("không có thay đổi")})
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
            can_edit=report.editable and can(user, "reporting.edit_report", report),
            can_review=report.state in (ReportState.SUBMITTED, ReportState.RESUBMITTED)
            and can(user, "reporting.review_report", report),
            can_unlock=report.state == ReportState.ACCEPTED
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
                problems = self._save(report, request.POST, version)
                if problems:
                    for p in problems:
                        messages.error(request, p)
                    return self._again(report, request.POST)
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

    def _save(self, report: UnitReport, post, version) -> list[str]:
        """Read the form into save_items' shape; bad numbers are reported, nothing saved."""
        problems, actions, indicators, questions = [], {}, {}, {}
        for item in report.action_items.select_related("action"):
            p = f"a:{item.action.code}:"
            if p + "status" in post:
                status = post.get(p + "status", "")
                if status and status not in ActionStatus.values:
                    problems.append(_("%(code)s: tình trạng không hợp lệ") % {"code": item.action.code})
                actions[item.action.code] = {
                    "status": status, **{f: clean_rich(post.get(p + f, ""))
                                         for f in ("done", "results", "difficulties", "proposals")}}
        for item in report.indicator_items.select_related("indicator"):
            p = f"i:{item.indicator.code}:"
            if p + "value" in post:
                try:
                    value = parse_number(post.get(p + "value"))
                except NumberError:
                    problems.append(_("%(code)s: «%(v)s» không phải là số")
                                    % {"code": item.indicator.code, "v": post.get(p + "value")[:40]})
                    continue
                if reason := storable_problem(value):
                    problems.append(f"{item.indicator.code}: {reason[0]}")
                    continue
                indicators[item.indicator.code] = {
                    "value": value, "source": clean_text(post.get(p + "source", ""))[:300],
                    "note": clean_rich(post.get(p + "note", "")),
                    "explanation": clean_rich(post.get(p + "explanation", ""))}
        for item in report.question_items.all():
            key = f"q:{item.code}:answer"
            if key in post:
                questions[item.code] = {"answer": clean_rich(post.get(key, ""))}
        if problems:
            return problems
        act.save_items(report, by=self.request.user, actions=actions, indicators=indicators,
                       questions=questions, expected_version=version)
        return []


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
        else:
            messages.success(request, _("Đã lưu tệp minh chứng."))
        return redirect("report-detail", pk=pk)


class EvidenceDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        attachment = get_object_or_404(Attachment.objects.restrict(request.user), pk=pk)
        response = FileResponse(attachment.file.open("rb"), as_attachment=True,
                                filename=attachment.name, content_type=attachment.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response
