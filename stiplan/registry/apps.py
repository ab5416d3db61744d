"""Django app of the STI registry; for now only its `stiplan registry` command (no models yet)."""

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "stiplan.registry"
    label = "registry"
    verbose_name = "Cơ sở dữ liệu KH&CN và ĐMST"
