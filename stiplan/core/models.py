"""The audit log (nhật ký thay đổi): who changed what, when, before → after."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stiplan.core.querysets import RestrictedQuerySet


class AuditEntry(models.Model):
    """One change, written by an action function in the same transaction as the change."""

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    actor_label = models.CharField(_("người thực hiện (tên)"), max_length=150)
    action = models.CharField(_("thao tác"), max_length=80, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=80)
    object_id = models.CharField(_("mã đối tượng"), max_length=80)
    object_repr = models.CharField(_("đối tượng"), max_length=300)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("đơn vị liên quan"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    internal = models.BooleanField(
        _("nội bộ"), default=False,
        help_text=_("Thay đổi của dữ liệu chưa công khai (kế hoạch dự thảo): chỉ Sở xem."))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bản ghi nhật ký")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label}: {self.action} {self.object_repr}"

    def changes(self) -> list[tuple[str, object, object]]:
        """Field-by-field differences (field, before, after) for the history view."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


from stiplan.core.tokens import ApiToken  # noqa: E402, F401  (registered with the core app)
