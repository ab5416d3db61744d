"""Django app of the STI registry: tasks, councils and resources, and the `stiplan registry` command."""

from django.apps import AppConfig

from stiplan.core import jobs


class RegistryConfig(AppConfig):
    name = "stiplan.registry"
    label = "registry"
    verbose_name = "Cơ sở dữ liệu KH&CN và ĐMST"

    def ready(self) -> None:
        """The indicator page links a value the registry fed to the tasks behind it (metrics
        does not import the registry: it asks the linkers registered with metrics.links); import
        jobs left queued or running are failed by the stale-job schedule (core/jobs.py)."""
        from stiplan.metrics import links
        from stiplan.registry import indicators

        links.register(indicators.FEED, indicators.task_links)
        jobs.register_expirer("registry", "stiplan.registry.actions.expire_stale_imports")
