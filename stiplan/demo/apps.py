"""Django app of the demo: no models, only the `stiplan demo` command."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "stiplan.demo"
    label = "demo"
    verbose_name = "Dữ liệu minh họa"
