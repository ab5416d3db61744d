"""The registry's bulk files on the web: one page where anyone exports what they may see (a
visitor: public rows, no personal data) and the Department's staff import a CSV or XLSX file —
checked whole, with a dry run, and the counts or every problem by row and column shown after; a
large file is imported by a background job whose progress its own page shows. The upload is
judged before its body is read (stiplan.core.uploads), then by the file's size and the workbook
budget (stiplan.registry.tables)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView

from stiplan.core.jobs import STALE_AFTER
from stiplan.core.permissions import can
from stiplan.core.tables import download
from stiplan.core.uploads import MULTIPART_SLACK, accepts_upload
from stiplan.core.yamlio import InputError
from stiplan.registry.actions import request_import
from stiplan.registry.columns import ENTITIES
from stiplan.registry.models import ImportJob
from stiplan.registry.tables import MAX_BYTES, read_table
from stiplan.registry.transfer import export_file, run_import
from stiplan.reporting.excel import CellProblem

#: Problems listed on the page (the command line lists them all with --format json).
SHOWN = 100
#: Files with more rows than this are imported by a background job: a few thousand rows are
#: checked and written within a second or two, so the answer comes at once on the same page; more
#: would hold the request (and the worker serving it) for long, with no progress to show.
BACKGROUND_ROWS = 2000
ENTITY_LABELS = {"tasks": gettext_lazy("Nhiệm vụ KH&CN"), "organisations": gettext_lazy("Tổ chức"),
                 "people": gettext_lazy("Nhà khoa học, chuyên gia"),
                 "ip-assets": gettext_lazy("Tài sản trí tuệ"), "outputs": gettext_lazy("Kết quả")}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def may_import(user) -> bool:
    return can(user, "registry.manage_resources")


class ImportForm(forms.Form):
    entity = forms.ChoiceField(label=gettext_lazy("Loại dữ liệu"), choices=ENTITY_LABELS.items())
    file = forms.FileField(label=gettext_lazy("Tệp CSV hoặc Excel (.xlsx)"),
                           help_text=gettext_lazy("Bố cục cột: xem tài liệu định dạng dữ liệu. "
                                                  "Tệp có một dòng sai thì không dòng nào được nhập."))
    dry_run = forms.BooleanField(label=gettext_lazy("Chỉ kiểm tra (không ghi gì)"), required=False,
                                 initial=True)


@accepts_upload(may_import, limit=MAX_BYTES["web"] + MULTIPART_SLACK)
class TransferView(FormView):
    """Export links for everyone; the import form and its outcome for the Department."""

    template_name = "registry/transfer.html"
    form_class = ImportForm

    def post(self, request, *args, **kwargs):
        if not may_import(request.user):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "entities": ENTITY_LABELS.items(),
                "can_import": may_import(self.request.user)}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES["web"]:
            form.add_error("file", _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": MAX_BYTES["web"] // 2**20})
            return self.form_invalid(form)
        raw, entity, dry_run = upload.read(), form.cleaned_data["entity"], form.cleaned_data["dry_run"]
        try:
            if len(read_table(raw, upload.name, where="web").rows) > BACKGROUND_ROWS:
                job = request_import(entity, upload.name, raw, by=self.request.user, dry_run=dry_run)
                return redirect("registry-import-job", job.pk)
            summary = run_import(raw, upload.name, entity, by=self.request.user, dry_run=dry_run,
                                 where="web")
        except InputError as exc:
            return self.render_to_response(self.get_context_data(
                form=form, problems=[p.localized() for p in exc.problems[:SHOWN]],
                more=max(len(exc.problems) - SHOWN, 0)), status=422)
        if not summary.dry_run:
            messages.success(self.request, _("Đã nhập tệp %(name)s.") % {"name": upload.name})
        return self.render_to_response(self.get_context_data(form=self.form_class(), summary=summary))


class ImportJobView(DetailView):
    """A large file's import: its progress while the job runs (the partial, polled by htmx), then
    the counts or the problems by row and column."""

    context_object_name = "job"

    def get_queryset(self):
        return ImportJob.objects.restrict(self.request.user).select_related("created_by")

    def get_template_names(self):
        return ["registry/_import_progress.html" if self.request.htmx else "registry/import_job.html"]

    def get_context_data(self, **kwargs):
        problems = self.object.problems
        return {**super().get_context_data(**kwargs), "entity_label": ENTITY_LABELS.get(self.object.entity),
                "problems": [CellProblem(**p).localized() for p in problems[:SHOWN]],
                "more": max(len(problems) - SHOWN, 0),
                "stale_minutes": int(STALE_AFTER.total_seconds() // 60)}


class ExportView(View):
    """GET ?entity=tasks&format=xlsx|csv (tasks as XLSX by default): what the user may see, as a file."""

    def get(self, request):
        entity, fmt = request.GET.get("entity", "tasks"), request.GET.get("format", "xlsx")
        if entity not in ENTITIES or fmt not in CONTENT_TYPES:
            raise Http404
        user = request.user if request.user.is_authenticated else None
        data = export_file(entity, fmt, by=user, public=user is None)
        return download(data, CONTENT_TYPES[fmt], f"stiplan-{entity}.{fmt}")
