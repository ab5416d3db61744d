"""Data values (giá trị số liệu): indicator × unit × period × source, with provenance."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from stiplan.analytics import periods
from stiplan.core.querysets import RestrictedQuerySet
from stiplan.orgs.models import OrgUnit
from stiplan.plans.models import Indicator, Target


class Source(models.TextChoices):
    REPORTED = "reported", _("Đơn vị báo cáo")
    DEPARTMENT = "department", _("Sở KH&CN nhập")
    STATISTICS = "statistics", _("Số liệu thống kê")
    COMPUTED = "computed", _("Tính toán")


class PeriodType(models.TextChoices):
    YEARLY = "yearly", _("Năm")
    SIX_MONTHLY = "six_monthly", _("Sáu tháng")
    QUARTERLY = "quarterly", _("Quý")
    MONTHLY = "monthly", _("Tháng")
    DAILY = "daily", _("Ngày")


class DataValue(models.Model):
    """One value of one source for (indicator, unit, period). `final` is true only for values
    from accepted reports or entered final. metrics.precedence decides which one is used."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="values")
    year = models.PositiveSmallIntegerField(_("năm"), blank=True)
    period = models.CharField(_("kỳ số liệu"), max_length=12, blank=True,
                              help_text=_("Mã kỳ: 2025, 2025Q2, 2026S1, 202606, 20260601"))
    period_type = models.CharField(_("loại kỳ"), max_length=12, choices=PeriodType.choices,
                                   default=PeriodType.YEARLY)
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
        ordering = ["indicator", "unit", "period", "source"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "period", "source"],
                                    name="one_value_per_source"),
        ]
        indexes = [models.Index(fields=["indicator", "period_type", "year"],
                                name="metrics_dat_indicat_7c9a11_idx"),
                   models.Index(fields=["updated_at"], name="metrics_dat_updated_f5f364_idx")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.unit.code} {self.period} ({self.source}): {self.value}"

    def save(self, *args, **kwargs):
        """A value given only a year is that year's value (the admin, loaders)."""
        if not self.period:
            self.period, self.period_type = periods.yearly(self.year), PeriodType.YEARLY
        super().save(*args, **kwargs)

    def clean(self):
        """A period typed in the admin sets the period type and year that go with it."""
        if not self.period and self.year:
            self.period = periods.yearly(self.year)
        try:
            located = periods.fields(self.period)
        except ValueError:
            raise ValidationError({"period": _("Mã kỳ «%(code)s» không hợp lệ.")
                                   % {"code": self.period}}) from None
        self.period_type, self.year = located["period_type"], located["year"]


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
    """One row whose number grows with every change of what the indicator engine reads
    (metrics.signals → metrics.actions.bump_revision): the dashboards' cache key reads it instead
    of scanning the values table."""

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.number)

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("number", flat=True).first() or 0
