"""API tokens: a user's key for the REST API, stored only as its SHA-256 digest.

Tokens are made and revoked by the audited actions in core/actions.py (CLI and admin)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stiplan.core.querysets import RestrictedQuerySet

#: Characters of the key kept in clear, so people can tell their tokens apart.
PREFIX_LENGTH = 8


def digest(key: str) -> str:
    """The stored form of a key (keys are 256 random bits, so a plain hash is enough)."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def new_key() -> str:
    return secrets.token_hex(32)


class ApiToken(models.Model):
    """One key of one user; a revoked token stays for the record and no longer signs in."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người dùng"),
                             on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100, blank=True)
    prefix = models.CharField(_("đầu khóa"), max_length=PREFIX_LENGTH, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}… {self.name}".strip()
