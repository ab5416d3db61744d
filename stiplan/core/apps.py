"""Core app: roles and permissions, the audit log, shared helpers."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "stiplan.core"
    label = "core"
    verbose_name = "Hệ thống"

    def ready(self) -> None:
        from stiplan.core import permissions  # noqa: F401  (registers the rules)
