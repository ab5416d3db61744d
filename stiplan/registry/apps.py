"""Django app of the STI registry: tasks, councils and resources, and the `stiplan registry` command."""

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "stiplan.registry"
    label = "registry"
    verbose_name = "Cơ sở dữ liệu KH&CN và ĐMST"
