"""Documents pages: request a report, follow its job, download its files, manage templates."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView

from stiplan.core.permissions import can
from stiplan.core.uploads import MULTIPART_SLACK, accepts_upload
from stiplan.core.views import RefusalMessagesMixin, RestrictedQuerysetMixin
from stiplan.documents import actions as act
from stiplan.documents.docx_build import TEMPLATES
from stiplan.documents.files import CONTENT_TYPES, file_response
from stiplan.documents.forms import MAX_TEMPLATE_BYTES, DocumentForm, TemplateUploadForm
from stiplan.documents.layouts import template_for
from stiplan.documents.models import Document, DocumentTemplate, Format
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
        ctx["documents"] = self.get_queryset()[:100]
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
        ctx["can_generate"] = can(self.request.user, "documents.generate_document")
        ctx["report_versions"] = sorted((self.object.inputs or {}).get("reports", {}).items(),
                                        key=lambda kv: int(kv[0]))
        return ctx


class DocumentFileView(DocumentsAccess, View):
    def get(self, request, pk: int, fmt: str):
        return file_response(self.visible_object(pk=pk), fmt)


class RegenerateView(DocumentsAccess, RefusalMessagesMixin, View):
    def post(self, request, pk: int):
        copy = act.regenerate(self.visible_object(pk=pk), by=request.user)
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
