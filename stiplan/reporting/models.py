"""Rounds (kỳ báo cáo), unit reports (báo cáo của đơn vị) and their items, rules and reminders."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stiplan.core.querysets import RestrictedQuerySet
from stiplan.core.storage import PrivateStorage  # noqa: F401  (also named by migrations of reporting and documents)
from stiplan.orgs.models import OrgUnit, UnitType
from stiplan.plans.models import Action, AssignmentRole, Indicator, Plan


class RoundKind(models.TextChoices):
    ANNUAL = "annual", _("Báo cáo định kỳ hằng năm")
    AD_HOC = "ad_hoc", _("Báo cáo đột xuất")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Đang mở")
    CLOSED = "closed", _("Đã đóng")
    ARCHIVED = "archived", _("Đã lưu trữ")


class Round(models.Model):
    """A reporting round: the annual report of a plan year, or an ad hoc request with a scope."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="rounds")
    kind = models.CharField(_("loại"), max_length=10, choices=RoundKind.choices)
    year = models.PositiveSmallIntegerField(_("năm báo cáo"))
    period = models.CharField(
        _("kỳ số liệu"), max_length=12,
        help_text=_("Kỳ mà số liệu của kỳ báo cáo thuộc về: năm (2025) cho báo cáo hằng năm; "
                    "kỳ riêng (2026S1, 2026Q2, 20260601) cho báo cáo đột xuất, không bao giờ là năm."))
    title = models.CharField(_("tên kỳ báo cáo"), max_length=300)
    opened_on = models.DateField(_("ngày mở"))
    deadline = models.DateField(_("hạn nộp"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=RoundStatus.choices,
                              default=RoundStatus.OPEN)
    scope = models.JSONField(_("phạm vi (báo cáo đột xuất)"), default=dict, blank=True)
    remind_before = models.JSONField(_("nhắc trước hạn (ngày)"), default=list, blank=True)
    remind_after = models.JSONField(_("nhắc sau hạn (ngày)"), default=list, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["-year", "-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], condition=models.Q(kind="annual"),
                                    name="one_annual_round_per_year"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Trả lại để bổ sung")
    RESUBMITTED = "resubmitted", _("Đã gửi lại")
    ACCEPTED = "accepted", _("Đã chấp nhận")
    TRANSFERRED = "transferred", _("Chuyển cho đơn vị kế thừa")


EDITABLE_STATES = (ReportState.DRAFT, ReportState.RETURNED)
IN_REVIEW_STATES = (ReportState.SUBMITTED, ReportState.RESUBMITTED)


class UnitReport(models.Model):
    """What one unit reports in one round; `version` grows with every change."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="reports")
    inherited_from = models.ForeignKey(
        OrgUnit, verbose_name=_("nhận lại từ đơn vị"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Đơn vị được yêu cầu ban đầu, đã sáp nhập trong kỳ báo cáo."),
    )
    state = models.CharField(_("trạng thái"), max_length=12, choices=ReportState.choices,
                             default=ReportState.DRAFT)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    first_submitted_at = models.DateTimeField(_("gửi lần đầu"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("gửi lần cuối"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("chấp nhận lúc"), null=True, blank=True)
    accepted_version = models.PositiveIntegerField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")
        ordering = ["round", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="one_report_per_unit")]

    def __str__(self) -> str:
        return f"{self.round.title} — {self.unit.name}"

    @property
    def on_time(self) -> bool | None:
        """Submitted (first time) no later than the deadline; None while not submitted."""
        if self.first_submitted_at is None:
            return None
        from django.utils import timezone

        return timezone.localdate(self.first_submitted_at) <= self.round.deadline

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def changed_since_acceptance(self) -> bool:
        return self.accepted_version is not None and self.version > self.accepted_version


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang triển khai")
    DONE = "done", _("Hoàn thành")
    BLOCKED = "blocked", _("Gặp vướng mắc")


class ReviewedItem(models.Model):
    """Fields every item has: the reviewer's comment, and whether it must be fixed."""

    review_comment = models.TextField(_("nhận xét của Sở"), blank=True)
    needs_fix = models.BooleanField(_("cần bổ sung"), default=False)
    changed_version = models.PositiveIntegerField(_("sửa ở phiên bản"), default=1)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True


class ActionItem(ReviewedItem):
    """The unit's account of one action it leads or supports (tình hình thực hiện nhiệm vụ)."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="action_items")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("vai trò"), max_length=12, choices=AssignmentRole.choices)
    status = models.CharField(_("tình trạng"), max_length=12, choices=ActionStatus.choices,
                              blank=True)
    done = models.TextField(_("đã thực hiện trong năm"), blank=True)
    results = models.TextField(_("kết quả, sản phẩm"), blank=True)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)

    class Meta:
        ordering = ["report", "action__group__order", "action__order"]
        constraints = [models.UniqueConstraint(fields=["report", "action"], name="one_item_per_action")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.action.code}"


class IndicatorItem(ReviewedItem):
    """The unit's value of one indicator for the round's year (số liệu chỉ tiêu)."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="indicator_items")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=4, null=True, blank=True)
    source = models.CharField(_("nguồn số liệu"), max_length=300, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    explanation = models.TextField(_("giải trình"), blank=True)
    min_value = models.DecimalField(_("giá trị nhỏ nhất"), max_digits=20, decimal_places=4,
                                    null=True, blank=True)
    max_value = models.DecimalField(_("giá trị lớn nhất"), max_digits=20, decimal_places=4,
                                    null=True, blank=True)

    class Meta:
        ordering = ["report", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="one_item_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.indicator.code}"


class QuestionItem(ReviewedItem):
    """An ad hoc round's free question and the unit's answer."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="question_items")
    code = models.CharField(_("mã"), max_length=20)
    question = models.TextField(_("câu hỏi"))
    answer = models.TextField(_("trả lời"), blank=True)

    class Meta:
        ordering = ["report", "code"]
        constraints = [models.UniqueConstraint(fields=["report", "code"], name="one_item_per_question")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.code}"



    @property
    def base_url(self):
        return None


def _evidence_path(instance: Attachment, filename: str) -> str:
    return f"evidence/{instance.report.round_id}/{instance.report.unit.code}/{instance.sha256[:16]}"


class Attachment(models.Model):
    """An evidence file (minh chứng) of a report, checked by content type and size."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="attachments")
    action_item = models.ForeignKey(ActionItem, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="attachments")
    file = models.FileField(storage=PrivateStorage, upload_to=_evidence_path)
    name = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["report", "uploaded_at"]

    def __str__(self) -> str:
        return self.name


class IndicatorAssignment(models.Model):
    """Which units report which indicator in a plan's rounds, with its allowed bounds."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicator_assignments")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    unit_type = models.CharField(max_length=20, choices=UnitType.choices, blank=True)
    function = models.CharField(max_length=60, blank=True)
    min_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "indicator__code", "id"]

    def __str__(self) -> str:
        return f"{self.indicator.code} → {self.unit.code if self.unit_id else self.unit_type}"


class Severity(models.TextChoices):
    ERROR = "error", _("Lỗi (chặn gửi báo cáo)")
    WARNING = "warning", _("Cảnh báo (cần giải trình)")


class ValidationRule(models.Model):
    """left ⟨op⟩ right over a report's indicator values, e.g. rd_state_spending <= rd_total_spending."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="validation_rules")
    code = models.SlugField(max_length=60)
    left = models.CharField(max_length=60)
    operator = models.CharField(max_length=2, choices=[(o, o) for o in ("<=", "<", ">=", ">", "==")])
    right = models.CharField(max_length=60)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    message = models.CharField(max_length=300)
    message_en = models.CharField(max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="rule_code")]

    def __str__(self) -> str:
        return f"{self.left} {self.operator} {self.right}"


class Reminder(models.Model):
    """One reminder sent for one report; the unique key makes the reminder job idempotent."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=40)
    sent_on = models.DateField(default=date.today)
    recipients = models.JSONField(default=list)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["report", "sent_on"]
        constraints = [models.UniqueConstraint(fields=["report", "kind"], name="one_reminder_per_kind")]

    def __str__(self) -> str:
        return f"{self.report} — {self.kind}"
