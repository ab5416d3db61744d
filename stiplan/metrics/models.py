"""Data values (giá trị số liệu): indicator × unit × period × source, with provenance."""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from stiplan.core.querysets import RestrictedQuerySet
from stiplan.orgs.models import OrgUnit
from stiplan.plans.models import Indicator, Target


class Source(models.TextChoices):
    REPORTED = "reported", _("Đơn vị báo cáo")
    DEPARTMENT = "department", _("Sở KH&CN nhập")
    STATISTICS = "statistics", _("Số liệu thống kê")


class DataValue(models.Model):
    """One value. `final` is true only for values from accepted reports or entered final."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="values")
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"), null=True, blank=True)
    value = models.DecimalField(_("giá trị"), max_digits=24, decimal_places=6)
    source = models.CharField(_("nguồn"), max_length=12, choices=Source.choices)
    final = models.BooleanField(_("chính thức"), default=False)
    synthetic = models.BooleanField(_("dữ liệu minh họa"), default=False)
    provenance = models.JSONField(_("nguồn gốc"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("giá trị số liệu")
        verbose_name_plural = _("giá trị số liệu")
        ordering = ["indicator", "unit", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "year"],
                                    condition=models.Q(quarter__isnull=True),
                                    name="one_yearly_value"),
            models.UniqueConstraint(fields=["indicator", "unit", "year", "quarter"],
                                    condition=models.Q(quarter__isnull=False),
                                    name="one_quarterly_value"),
        ]
        indexes = [models.Index(fields=["indicator", "year"]), models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.unit.code} {self.year}: {self.value}"


class Computation(models.Model):
    """How an indicator is computed for a province: a formula, or the sum of reported values."""

    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="computation")
    formula = models.CharField(_("công thức"), max_length=500, blank=True)
    growth_accounting = models.BooleanField(_("tính bằng hạch toán tăng trưởng (TFP)"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.indicator.code} = {self.formula or 'TFP'}"


class StatusOverride(models.Model):
    """An officer's judgement replacing the computed status of a target, with its reason."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="overrides")
    status = models.CharField(_("trạng thái"), max_length=12)
    reason = models.TextField(_("lý do"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.target} → {self.status}"


class Revision(models.Model):
    """One row whose number grows with every change to values or overrides: the dashboards'
    cache key reads it instead of scanning the values table."""

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.number)

    @classmethod
    def bump(cls) -> None:
        cls.objects.get_or_create(pk=1)
        cls.objects.filter(pk=1).update(number=models.F("number") + 1)
        from stiplan.metrics.dashboard import schedule_warm

        transaction.on_commit(schedule_warm)

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("number", flat=True).first() or 0
