"""Django app of the innovation index: editions, data entry, profile, what-if, submission."""

from django.apps import AppConfig

from stiplan.core import jobs


class IndexConfig(AppConfig):
    name = "stiplan.index"
    label = "index"
    verbose_name = "Chỉ số đổi mới sáng tạo"

    def ready(self) -> None:
        """Computations left queued or running are failed by the stale-job schedule."""
        jobs.register_expirer("index", "stiplan.index.actions.expire_stale_computations")
