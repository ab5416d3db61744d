"""Django app of the public portal and open data (no models of its own: it reads the others)."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "stiplan.portal"
    label = "portal"
    verbose_name = "Cổng công khai và dữ liệu mở"
