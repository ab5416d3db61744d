"""The innovation index as data: frameworks, yearly editions with their published results, the
raw values the Department enters (with evidence and a second officer's review) and the results
the engine computed from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stiplan.analytics import index as engine
from stiplan.core.querysets import RestrictedQuerySet
from stiplan.core.storage import PrivateStorage


class Framework(models.Model):
    """An index's tree (the `stiplan.index/1` document, as JSON), e.g. the PII 2024 framework."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    document = models.JSONField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def tree(self) -> engine.Framework:
        """The engine's framework (parsed once per object)."""
        if not hasattr(self, "_tree"):
            self._tree = engine.parse_document(self.document, self.code)
        return self._tree


class IndexEdition(models.Model):
    """One year's index: its framework and the provinces ranked (code, name, region per unit)."""

    year = models.PositiveSmallIntegerField(unique=True)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="editions")
    units = models.JSONField(help_text="[{code, name, region}] of the provinces ranked")
    home = models.CharField(_("tỉnh của Sở"), max_length=20)
    synthetic = models.BooleanField(default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"PII {self.year}"

    def unit_names(self) -> dict[str, str]:
        return {u["code"]: u["name"] for u in self.units}


class PublishedResult(models.Model):
    """The Academy's published figure for one province (real where the press gave it, else
    marked synthetic)."""

    edition = models.ForeignKey(IndexEdition, on_delete=models.CASCADE, related_name="published")
    unit = models.CharField(max_length=20)
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    input_score = models.FloatField(null=True, blank=True)
    output_score = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)
    synthetic = models.BooleanField(default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["edition", "rank"]
        constraints = [models.UniqueConstraint(fields=["edition", "unit"], name="index_published_once")]

    def __str__(self) -> str:
        return f"{self.edition} {self.unit}: {self.score}"


class ValueState(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    CHECKED = "checked", _("Đã kiểm tra, chờ thẩm định")
    REVIEWED = "reviewed", _("Đã thẩm định")


def _evidence_path(instance: IndexValue, filename: str) -> str:
    return f"index/{instance.edition.year}/{instance.unit}/{instance.evidence_sha256[:16]}"


class IndexValue(models.Model):
    """A raw value of one indicator (or denominator) for one province in one edition."""

    edition = models.ForeignKey(IndexEdition, on_delete=models.CASCADE, related_name="values")
    unit = models.CharField(max_length=20)
    code = models.CharField(_("chỉ số"), max_length=40)
    value = models.FloatField(null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    explanation = models.TextField(_("giải trình"), blank=True)
    warnings = models.JSONField(default=list, blank=True)
    evidence = models.FileField(storage=PrivateStorage, upload_to=_evidence_path, blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=10, choices=ValueState.choices, default=ValueState.DRAFT)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    synthetic = models.BooleanField(default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["edition", "unit", "code"]
        constraints = [models.UniqueConstraint(fields=["edition", "unit", "code"],
                                               name="index_value_once")]

    def __str__(self) -> str:
        return f"{self.edition} {self.unit} {self.code}"


class JobState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tính")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi")


class Computation(models.Model):
    """The engine's results for an edition from the values then stored: per province the total,
    sub-indices and pillars with ranks, strengths and weaknesses, and the rank interval of the
    uncertainty analysis. The newest done one is shown."""

    edition = models.ForeignKey(IndexEdition, on_delete=models.CASCADE, related_name="computations")
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    results = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.edition} #{self.pk}"
