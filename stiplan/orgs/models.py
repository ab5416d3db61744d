"""Units (đơn vị), reorganisation events (sự kiện sắp xếp) and memberships with roles."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from tree_queries.models import TreeNode
from tree_queries.query import TreeQuerySet

from stiplan.core.permissions import Role
from stiplan.core.querysets import RestrictedQuerySet


class UnitType(models.TextChoices):
    MINISTRY = "ministry", _("Bộ, cơ quan trung ương")
    PROVINCE = "province", _("Ủy ban nhân dân tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành tỉnh")
    DISTRICT = "district", _("Ủy ban nhân dân cấp huyện")
    COMMUNE = "commune", _("Ủy ban nhân dân cấp xã")
    AGENCY = "agency", _("Cơ quan, tổ chức khác")


class EventKind(models.TextChoices):
    MERGE = "merge", _("Hợp nhất, sáp nhập")
    SPLIT = "split", _("Chia, tách")
    RENAME = "rename", _("Đổi tên")
    TRANSFER = "transfer", _("Chuyển giao chức năng")
    ABOLISH = "abolish", _("Giải thể, kết thúc hoạt động")
    ESTABLISH = "establish", _("Thành lập")


class DatedQuerySet(RestrictedQuerySet):
    def valid_on(self, day: date):
        return self.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class OrgUnitQuerySet(TreeQuerySet, DatedQuerySet):
    pass


class OrgUnit(TreeNode):
    """A unit that exists between two dates; its place in the tree is its parent."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    type = models.CharField(_("loại"), max_length=20, choices=UnitType.choices, db_index=True)
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=80, blank=True)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    synthetic = models.BooleanField(
        _("dữ liệu mẫu"), default=False,
        help_text=_("Đơn vị tổng hợp để minh họa, chưa phải danh mục chính thức."),
    )
    note = models.TextField(_("ghi chú"), blank=True)

    objects = OrgUnitQuerySet.as_manager(with_tree_fields=False)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="orgunit_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def audit_unit(self) -> OrgUnit:
        """A unit's audit entries are scoped to the unit itself (core.actions reads this)."""
        return self


class ReorgEvent(models.Model):
    """A dated reorganisation: which units gave their duties to which."""

    code = models.CharField(_("mã"), max_length=60, unique=True)
    date = models.DateField(_("ngày hiệu lực"), db_index=True)
    kind = models.CharField(_("loại"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("nội dung"), max_length=300)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    confirmed = models.BooleanField(_("đã xác minh căn cứ"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện sắp xếp tổ chức")
        verbose_name_plural = _("sự kiện sắp xếp tổ chức")
        ordering = ["date", "code"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.title}"


class ReorgLink(models.Model):
    """One arrow of an event: `source` passes its duties (or one `function`) to `target`."""

    event = models.ForeignKey(ReorgEvent, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="links_in")
    function = models.CharField(_("chức năng chuyển giao"), max_length=60, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("liên kết kế thừa")
        verbose_name_plural = _("liên kết kế thừa")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "source", "target", "function"], name="reorglink_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source.code} → {self.target.code}"


class Membership(models.Model):
    """A person works in a unit with a role, between two dates."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    valid_from = models.DateField(_("từ ngày"), default=date(2023, 1, 1))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân công người dùng")
        verbose_name_plural = _("phân công người dùng")
        ordering = ["unit__code", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit.code}"
