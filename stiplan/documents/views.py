"""Documents pages: request a report, follow its job, download its files, manage templates."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView

from stiplan.core.permissions import can
from stiplan.core.uploads import MULTIPART_SLACK, accepts_upload
from stiplan.core.views import RefusalMessagesMixin, RestrictedQuerysetMixin, int_or_none
from stiplan.documents import actions as act
from stiplan.documents.docx_build import TEMPLATES
from stiplan.documents.files import CONTENT_TYPES, file_response
from stiplan.documents.forms import MAX_TEMPLATE_BYTES, DocumentForm, TemplateUploadForm
from stiplan.documents.layouts import active_template, template_for
from stiplan.documents.models import Document, DocumentTemplate, Failure, Format, JobState
from stiplan.reporting.models import Round


class DocumentsAccess(LoginRequiredMixin, RestrictedQuerysetMixin):
    """Documents are the Department's: users who may see none get 403, not an empty page."""

    queryset = Document.objects.select_related("round", "created_by")
    refuse_when_none = True


class PostRequires:
    """A form page whose POST needs `post_permission`: refused before the form is read."""

    post_permission = ""

    def post(self, request, *args, **kwargs):
        if not can(request.user, self.post_permission):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)


def may_upload_template(user) -> bool:
    return can(user, "documents.upload_template")


def visible_rounds(user):
    return Round.objects.restrict(user).select_related("plan").order_by("-year", "-opened_on")


PAGE_SIZE = 20


class DocumentListView(DocumentsAccess, PostRequires, FormView):
    """The documents made so far, and the form that asks for a new one."""

    template_name = "documents/document_list.html"
    form_class = DocumentForm
    post_permission = "documents.generate_document"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rounds": visible_rounds(self.request.user)}

    def get_initial(self):
        latest = visible_rounds(self.request.user).filter(kind="annual").first()
        return {"round": latest, "formats": Format.values}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        pages = Paginator(self.get_queryset(), PAGE_SIZE)
        ctx["page"] = pages.get_page(self.request.GET.get("page"))
        ctx["can_generate"] = can(user, "documents.generate_document")
        return ctx

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            document = act.request_document(data["round"], layout=data["layout"],
                                            formats=data["formats"], options=form.options(),
                                            by=self.request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.info(self.request, _("Đã đưa yêu cầu tạo văn bản vào hàng đợi."))
        return redirect("document-detail", document.pk)


class DocumentDetailView(DocumentsAccess, DetailView):
    """One document: its job's progress, its files, the versions of its inputs."""

    template_name = "documents/document_detail.html"
    context_object_name = "document"
    queryset = Document.objects.select_related("round", "template", "regenerated_from",
                                               "created_by")

    def get_template_names(self):
        if self.request.htmx:
            return ["documents/_progress.html"]
        return [self.template_name]

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if self.request.htmx and self.object.finished:
            response["HX-Refresh"] = "true"  # once done, the whole page shows the archive
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["can_generate"] = can(user, "documents.generate_document")
        ctx["failure"] = failure_help(self.object, user)
        ctx["step"] = in_language(self.object.step)
        ctx["assembled_at"] = parse_datetime((self.object.inputs or {}).get("assembled_at") or "")
        ctx["report_versions"] = sorted((self.object.inputs or {}).get("reports", {}).items(),
                                        key=lambda kv: int(kv[0]))
        return ctx


def failure_help(document: Document, user) -> dict | None:
    """What went wrong with a failed document in plain words, what fixes it, and which buttons
    help: "Tạo lại" only where asking again can succeed, the shipped template where the
    uploaded one is at fault."""
    if document.state != JobState.FAILED:
        return None
    detail = in_language(document.error)
    template_in_use = active_template(document.kind, document.layout)
    may_generate = can(user, "documents.generate_document")
    help_of = {
        Failure.TEMPLATE: (
            _("Mẫu Word đang dùng có lỗi nên không điền được nội dung vào văn bản."),
            _("Quay về mẫu mặc định của hệ thống rồi tạo lại; hoặc sửa mẫu trong Word (xem chi "
              "tiết bên dưới) và tải lên lại ở trang Mẫu văn bản.")),
        Failure.FONT: (
            _("Máy chủ thiếu phông chữ tiếng Việt nên không làm được tệp PDF."),
            _("Báo người quản trị hệ thống cài gói fonts-liberation2; trong lúc chờ, tạo văn bản "
              "mới chỉ với Word và Excel.")),
        Failure.STALE: (
            _("Không có tiến trình chạy nền để tạo văn bản, hoặc tiến trình đã dừng."),
            _("Báo người quản trị hệ thống khởi động tiến trình chạy nền (stiplan qcluster), "
              "rồi bấm Tạo lại.")),
        Failure.STOPPED: (
            _("Việc tạo văn bản bị dừng giữa chừng (máy chủ khởi động lại)."),
            _("Bấm Tạo lại.")),
        Failure.DISK: (
            _("Máy chủ đã hết chỗ lưu tệp nên chưa lưu được văn bản; dữ liệu đã có vẫn còn "
              "nguyên."),
            _("Báo người quản trị hệ thống giải phóng chỗ lưu, rồi bấm Tạo lại.")),
    }
    what, fix = help_of.get(document.failure, (
        _("Có lỗi bất ngờ khi tạo văn bản; lỗi đã được ghi lại cho người quản trị."),
        _("Bấm Tạo lại; nếu vẫn lỗi, báo người quản trị hệ thống số văn bản #%(id)s.")
        % {"id": document.pk}))
    same_template = document.failure == Failure.TEMPLATE and (
        document.content is not None or template_in_use is not None)
    return {
        "what": what, "fix": fix,
        "detail": detail if document.failure in (Failure.TEMPLATE, Failure.FONT) else "",
        "retry": may_generate and document.failure != Failure.FONT and not same_template,
        "revert": document.failure == Failure.TEMPLATE and template_in_use is not None
        and can(user, "documents.revert_template"),
    }


def in_language(text: str) -> str:
    """One half of a stored "tiếng Việt / English" message: the page's language."""
    vi, sep, en = (text or "").partition(" / ")
    return en if sep and (get_language() or "vi").startswith("en") else vi


class DocumentFileView(DocumentsAccess, View):
    def get(self, request, pk: int, fmt: str):
        return file_response(self.visible_object(pk=pk), fmt)


class RegenerateView(DocumentsAccess, RefusalMessagesMixin, View):
    def post(self, request, pk: int):
        document = self.visible_object(pk=pk)
        copy = (act.retry if document.state == JobState.FAILED else act.regenerate)(
            document, by=request.user)
        messages.info(request, _("Đang tạo lại văn bản từ nội dung đã lưu trữ."))
        return redirect("document-detail", copy.pk)

    def refused(self, exc):
        return redirect("document-detail", self.kwargs["pk"])


@accepts_upload(may_upload_template, limit=MAX_TEMPLATE_BYTES + MULTIPART_SLACK)
class TemplateListView(DocumentsAccess, PostRequires, FormView):
    """The Word templates in use; staff download one, change it in Word and upload it."""

    template_name = "documents/template_list.html"
    form_class = TemplateUploadForm
    post_permission = "documents.upload_template"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        uploaded = DocumentTemplate.objects.restrict(self.request.user).select_related(
            "uploaded_by")
        active = {(t.kind, t.layout): t for t in uploaded if t.active}
        ctx["layouts"] = [{"kind": kind, "layout": layout, "label": label, "active": active.get(
            (kind, layout))} for (kind, layout), (_b, _f, label) in TEMPLATES.items()]
        ctx["uploaded"] = uploaded
        ctx["can_upload"] = can(self.request.user, "documents.upload_template")
        ctx["can_revert"] = can(self.request.user, "documents.revert_template")
        return ctx

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            act.upload_template(kind=data["kind"], layout=data["layout"], name=data["name"],
                                raw=data["file"].read(), by=self.request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã tải lên mẫu văn bản; mẫu này được dùng từ bây giờ."))
        return redirect("document-templates")


class TemplateRevertView(DocumentsAccess, RefusalMessagesMixin, View):
    """Use the shipped template again for a kind and layout; from a failed document's page,
    ask for that document again with it."""

    failed = None

    def post(self, request, kind: str, layout: str):
        if (kind, layout) not in TEMPLATES:
            raise Http404
        if request.POST.get("document"):
            self.failed = self.visible_object(pk=int_or_none(request.POST["document"]) or 0)
        act.revert_template(kind, layout, by=request.user)
        messages.success(request, _("Đã quay về mẫu mặc định của hệ thống."))
        if self.failed is None:
            return redirect("document-templates")
        again = act.request_document(self.failed.round, layout=self.failed.layout,
                                     formats=self.failed.formats, options=self.failed.options,
                                     by=request.user)
        return redirect("document-detail", again.pk)

    def refused(self, exc):
        if self.failed is not None:
            return redirect("document-detail", self.failed.pk)
        return redirect("document-templates")


class TemplateFileView(DocumentsAccess, View):
    """The template in use for a kind and layout (the uploaded one, else the shipped one)."""

    def get(self, request, kind: str, layout: str):
        if (kind, layout) not in TEMPLATES:
            raise Http404
        try:
            raw = template_for(kind, layout)
        except OSError:
            raise Http404 from None
        return FileResponse(io.BytesIO(raw), as_attachment=True, content_type=CONTENT_TYPES["docx"],
                            filename=f"mau-{kind}-{layout}.docx")
