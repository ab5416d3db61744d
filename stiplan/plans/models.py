"""The plan as data: what the decision says, in tables that reports and indicators refer to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stiplan.core.querysets import RestrictedQuerySet
from stiplan.core.storage import PrivateStorage
from stiplan.orgs.models import OrgUnit, UnitType


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_FORCE = "in_force", _("Đang hiệu lực")
    SUPERSEDED = "superseded", _("Đã được thay thế")
    EXPIRED = "expired", _("Hết hiệu lực")


class Plan(models.Model):
    """A provincial STI plan (kế hoạch) issued by a decision, with its legal basis and period."""

    code = models.SlugField(_("mã"), max_length=80, unique=True)
    title = models.TextField(_("tên kế hoạch"))
    title_en = models.TextField(_("tên tiếng Anh"), blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=PlanStatus.choices)
    period_start = models.PositiveSmallIntegerField(_("từ năm"))
    period_end = models.PositiveSmallIntegerField(_("đến năm"))
    issuing_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.JSONField(_("căn cứ ban hành"), default=dict)
    parent_strategy = models.JSONField(_("chiến lược cấp trên"), default=dict, blank=True)
    purposes = models.JSONField(_("mục đích"), default=list, blank=True)
    requirements = models.JSONField(_("yêu cầu"), default=list, blank=True)
    reporting = models.JSONField(_("chế độ báo cáo"), default=dict)
    supersedes = models.ForeignKey(
        "self", verbose_name=_("thay thế kế hoạch"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="superseded_by",
    )
    indicators = models.ManyToManyField("Indicator", through="PlanIndicator", related_name="plans")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-period_start", "code"]

    def __str__(self) -> str:
        return f"{self.legal_basis.get('number', self.code)} — {self.title}"

    @property
    def number(self) -> str:
        return self.legal_basis.get("number", "")

    @property
    def report_due(self) -> tuple[int, int]:
        """(month, day) of the annual report deadline, e.g. (12, 10) for 10 December."""
        month, day = self.reporting.get("annual_due", "12-10").split("-")
        return int(month), int(day)


class RelatedDocument(models.Model):
    """A document the plan is linked to: a linked plan, a programme, a superseding plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="related_documents")
    order = models.PositiveSmallIntegerField(default=0)
    relation = models.CharField(_("quan hệ"), max_length=30)
    number = models.CharField(_("số hiệu"), max_length=60)
    date = models.DateField(_("ngày"), null=True, blank=True)
    title = models.TextField(_("trích yếu"))
    plan_code = models.CharField(_("mã kế hoạch liên kết"), max_length=80, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"


class ObjectiveKind(models.TextChoices):
    GENERAL = "general", _("Mục tiêu tổng quát")
    SPECIFIC = "specific", _("Mục tiêu cụ thể")


class Objective(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    order = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("mã"), max_length=20)
    kind = models.CharField(_("loại"), max_length=20, choices=ObjectiveKind.choices)
    text = models.TextField(_("nội dung"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="objective_code")]

    def __str__(self) -> str:
        return self.code


class Direction(models.TextChoices):
    HIGHER = "higher_is_better", _("Càng cao càng tốt")
    LOWER = "lower_is_better", _("Càng thấp càng tốt")


class ValueType(models.TextChoices):
    PERCENT = "percent", _("Tỷ lệ (%)")
    COUNT = "count", _("Số lượng")
    NUMBER = "number", _("Giá trị số")
    STATUS = "status", _("Trạng thái (đạt/chưa đạt)")


class Indicator(models.Model):
    """A measured quantity (chỉ tiêu), shared by every plan that targets it."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.TextField(_("tên chỉ tiêu"))
    name_en = models.TextField(_("tên tiếng Anh"), blank=True)
    unit = models.CharField(_("đơn vị tính"), max_length=30, blank=True)
    direction = models.CharField(_("chiều"), max_length=20, choices=Direction.choices)
    value_type = models.CharField(_("kiểu giá trị"), max_length=20, choices=ValueType.choices)
    cumulative = models.BooleanField(_("cộng dồn từ đầu kỳ kế hoạch"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PlanIndicator(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="plan_indicators")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.SET_NULL)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator"], name="planindicator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan.code}: {self.indicator.code}"


class Comparator(models.TextChoices):
    GT = "gt", _("trên")
    GTE = "gte", _("từ … trở lên")
    LT = "lt", _("dưới")
    LTE = "lte", _("không quá")
    EQ = "eq", _("bằng")
    RANGE = "range", _("trong khoảng")


class Versioned(models.Model):
    """A row a later decision can replace: written by `amendment` (empty: as issued), in force
    from `valid_from`, or ending the item from then (`removed`); see plans/versions.py."""

    amendment = models.ForeignKey(
        "Amendment", verbose_name=_("quyết định sửa đổi"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="%(class)ss",
        help_text=_("Trống: theo văn bản ban hành (phiên bản 1)."))
    valid_from = models.DateField(_("áp dụng từ ngày"), null=True, blank=True)
    removed = models.BooleanField(_("bãi bỏ từ ngày áp dụng"), default=False)

    class Meta:
        abstract = True


class Target(Versioned):
    """Indicator × milestone year with a comparator or a range, and the decision's own words."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("mã"), max_length=20)
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField(_("năm mốc"))
    comparator = models.CharField(_("so sánh"), max_length=10, choices=Comparator.choices)
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=6, null=True, blank=True)
    low = models.DecimalField(_("cận dưới"), max_digits=20, decimal_places=6, null=True, blank=True)
    high = models.DecimalField(_("cận trên"), max_digits=20, decimal_places=6, null=True, blank=True)
    at_least = models.BooleanField(_("\u201ctrở lên\u201d"), default=False)
    wording = models.TextField(_("nguyên văn"))
    recurring = models.BooleanField(_("hằng năm"), default=False)
    source = models.CharField(_("mục"), max_length=20, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mục tiêu")
        verbose_name_plural = _("mục tiêu")
        ordering = ["plan", "order", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], condition=models.Q(amendment=None),
                                    name="target_code"),
            models.UniqueConstraint(fields=["amendment", "code"], name="amended_target_code"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.wording}"


class Section(models.TextChoices):
    TASKS = "III", _("Nhiệm vụ, giải pháp chủ yếu")
    ORGANISATION = "IV", _("Tổ chức thực hiện")


class TaskGroup(models.Model):
    """A group of tasks (nhóm nhiệm vụ, section III) or a responsibility block (section IV)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="task_groups")
    order = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("mã"), max_length=20)
    section = models.CharField(_("phần"), max_length=5, choices=Section.choices)
    title = models.TextField(_("tên nhóm"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhóm nhiệm vụ")
        verbose_name_plural = _("nhóm nhiệm vụ")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="taskgroup_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Action(Versioned):
    """One action bullet (nhiệm vụ) of section III or one responsibility of section IV.

    Versioned as targets are: a later decision that changes, adds or removes an action writes a
    new row with its code, the amendment and `valid_from` (`removed` for a removal)."""

    group = models.ForeignKey(TaskGroup, on_delete=models.CASCADE, related_name="actions")
    order = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("mã"), max_length=20)
    text = models.TextField(_("nội dung"))
    targets = models.ManyToManyField(Target, blank=True, related_name="actions")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["group", "order", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["group", "code"], condition=models.Q(amendment=None),
                                    name="action_code"),
            models.UniqueConstraint(fields=["amendment", "code"], name="amended_action_code"),
        ]

    def __str__(self) -> str:
        return self.code


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    COORDINATE = "coordinate", _("Phối hợp")


class Basis(models.TextChoices):
    SEED = "seed", _("Theo văn bản")
    DERIVED = "derived", _("Sở KH&CN phân công")


class Assignment(models.Model):
    """A unit, or every unit of a type, leads or coordinates an action.

    The unit is the one named when the plan was issued; who holds the duty on a later date is
    derived through the reorganisation history (see orgs.lineage), never re-entered.
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="assignments")
    order = models.PositiveSmallIntegerField(default=0)
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    unit_type = models.CharField(
        _("mọi đơn vị loại"), max_length=20, choices=UnitType.choices, blank=True
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=AssignmentRole.choices)
    basis = models.CharField(_("căn cứ"), max_length=20, choices=Basis.choices)
    function = models.CharField(_("chức năng"), max_length=60, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        ordering = ["action", "order"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(unit__isnull=False, unit_type="")
                           | models.Q(unit__isnull=True) & ~models.Q(unit_type="")),
                name="assignment_unit_xor_type",
            )
        ]

    def __str__(self) -> str:
        who = self.unit.code if self.unit_id else f"*{self.unit_type}"
        return f"{self.action.code} → {who} ({self.role})"


def _private_storage():
    return PrivateStorage()


class AmendmentKind(models.TextChoices):
    AMEND = "amend", _("Sửa đổi, bổ sung")
    SUPERSEDE = "supersede", _("Thay thế")


class Amendment(models.Model):
    """A later decision on a plan: it amends (sửa đổi, bổ sung) targets from its date, or
    supersedes (thay thế) the plan, which is no longer in force from that date.

    The plan as issued is version 1; the n-th amendment of a plan, by date, makes version n + 1.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="amendments")
    version = models.PositiveSmallIntegerField(_("phiên bản"))
    kind = models.CharField(_("loại"), max_length=12, choices=AmendmentKind.choices)
    number = models.CharField(_("số hiệu"), max_length=60)
    date = models.DateField(_("ngày ban hành, có hiệu lực"))
    title = models.TextField(_("trích yếu"), blank=True)
    file = models.FileField(_("tệp quyết định"), storage=_private_storage,
                            upload_to="plans/decisions/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("quyết định sửa đổi, thay thế")
        verbose_name_plural = _("quyết định sửa đổi, thay thế")
        ordering = ["plan", "version"]
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="amendment_version")]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_kind_display()})"


class DraftStatus(models.TextChoices):
    READING = "reading", _("Đang đọc văn bản")
    FAILED = "failed", _("Không đọc được")
    OPEN = "open", _("Đang rà soát")
    PUBLISHED = "published", _("Đã ban hành vào hệ thống")


class PlanDraft(models.Model):
    """A plan read from its document (bản nháp): the parsed items with source spans, confidences
    and flags, the staff's decision on each item, and the source file, archived with the plan
    once published. A PDF or an image is read by a background job (`reading`, with its
    progress), which leaves the draft open for review or failed with the reason."""

    status = models.CharField(_("trạng thái"), max_length=12, choices=DraftStatus.choices,
                              default=DraftStatus.OPEN)
    source = models.FileField(_("văn bản gốc"), storage=_private_storage,
                              upload_to="plans/sources/")
    source_name = models.CharField(_("tên tệp"), max_length=200)
    source_kind = models.CharField(_("loại tệp"), max_length=10)
    sha256 = models.CharField(max_length=64)
    text = models.TextField(_("văn bản đọc được"), blank=True)
    result = models.JSONField(_("bản nháp"), default=dict)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    step = models.CharField(_("bước"), max_length=120, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    decisions = models.JSONField(_("quyết định rà soát"), default=dict, blank=True)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="drafts")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bản nháp kế hoạch")
        verbose_name_plural = _("bản nháp kế hoạch")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.get_status_display()})"

    @property
    def step_kind(self) -> str:
        """What the reading job does now: queued | text (a text layer) | ocr."""
        return self.step.split(" ", 1)[0]

    @property
    def step_count(self) -> str:
        """How far it got: "2/5" pages."""
        return self.step.partition(" ")[2]
