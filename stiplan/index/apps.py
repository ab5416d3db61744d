"""Django app of the innovation index; for now only its `stiplan index` command."""

from django.apps import AppConfig


class IndexConfig(AppConfig):
    name = "stiplan.index"
    label = "index"
    verbose_name = "Chỉ số đổi mới sáng tạo"
