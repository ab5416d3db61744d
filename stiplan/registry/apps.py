"""Django app of the STI registry: tasks, councils and resources, and the `stiplan registry` command."""

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "stiplan.registry"
    label = "registry"
    verbose_name = "Cơ sở dữ liệu KH&CN và ĐMST"

    def ready(self) -> None:
        """The indicator page links a value the registry fed to the tasks behind it (metrics
        does not import the registry: it asks the linkers registered with metrics.links)."""
        from stiplan.metrics import links
        from stiplan.registry import indicators

        links.register(indicators.FEED, indicators.task_links)
