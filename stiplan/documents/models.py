"""Generated documents, archived with the content they were built from, and staff templates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stiplan.core.querysets import RestrictedQuerySet
from stiplan.core.storage import PrivateStorage
from stiplan.reporting.models import Round


class DocumentKind(models.TextChoices):
    ANNUAL = "annual", _("Báo cáo kết quả thực hiện Kế hoạch hằng năm")
    AD_HOC = "ad_hoc", _("Báo cáo đột xuất")


class Format(models.TextChoices):
    DOCX = "docx", "DOCX (Word)"
    PDF = "pdf", "PDF"
    XLSX = "xlsx", _("XLSX (phụ lục số liệu)")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class Failure(models.TextChoices):
    """Why a job failed, so the page can say what fixes it."""

    TEMPLATE = "template", _("Mẫu Word lỗi")
    FONT = "font", _("Thiếu phông chữ")
    STALE = "stale", _("Không có tiến trình chạy nền")
    STOPPED = "stopped", _("Tiến trình bị dừng")
    DISK = "disk", _("Hết chỗ lưu tệp")
    INTERNAL = "internal", _("Lỗi bất ngờ")


class DocumentTemplate(models.Model):
    """A Word template (.docx with docxtpl tags) that staff changed and uploaded; it replaces the
    shipped template of its kind and layout while active."""

    kind = models.CharField(_("loại văn bản"), max_length=10, choices=DocumentKind.choices)
    layout = models.CharField(_("mẫu trình bày"), max_length=20)
    name = models.CharField(_("tên mẫu"), max_length=200)
    file = models.FileField(storage=PrivateStorage, upload_to="templates/")
    active = models.BooleanField(_("đang dùng"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mẫu văn bản")
        verbose_name_plural = _("mẫu văn bản")
        ordering = ["kind", "layout", "-uploaded_at"]

    def __str__(self) -> str:
        return self.name

    def read(self) -> bytes:
        with self.file.open("rb") as fh:
            return fh.read()


def _document_path(instance: Document, filename: str) -> str:
    return f"documents/{instance.pk}/{filename}"


class Document(models.Model):
    """One generated report: its request, its archived content (nội dung lưu trữ) with the versions
    of every input, the files made from it and the progress of the job that makes them."""

    kind = models.CharField(_("loại văn bản"), max_length=10, choices=DocumentKind.choices)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="documents")
    layout = models.CharField(_("mẫu trình bày"), max_length=20, default="default")
    template = models.ForeignKey(DocumentTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="documents")
    formats = models.JSONField(_("định dạng"), default=list)
    options = models.JSONField(_("thông tin nhập"), default=dict, blank=True)
    content = models.JSONField(_("nội dung lưu trữ"), null=True, blank=True)
    inputs = models.JSONField(_("phiên bản dữ liệu đầu vào"), default=dict, blank=True)
    regenerated_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="copies")
    state = models.CharField(_("trạng thái"), max_length=10, choices=JobState.choices,
                             default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    step = models.CharField(_("bước"), max_length=200, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    failure = models.CharField(_("loại lỗi"), max_length=10, choices=Failure.choices, blank=True)
    docx = models.FileField(storage=PrivateStorage, upload_to=_document_path, blank=True)
    pdf = models.FileField(storage=PrivateStorage, upload_to=_document_path, blank=True)
    xlsx = models.FileField(storage=PrivateStorage, upload_to=_document_path, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("văn bản đã tạo")
        verbose_name_plural = _("văn bản đã tạo")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        title = (self.content or {}).get("summary") or self.round.title
        return f"#{self.pk} {title}"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def layout_label(self) -> str:
        from stiplan.documents.docx_build import TEMPLATES

        return TEMPLATES.get((self.kind, self.layout), (None, None, self.layout))[2]

    def file_of(self, fmt: str):
        return getattr(self, fmt) if fmt in Format.values else None
