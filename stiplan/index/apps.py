"""Django app of the innovation index: editions, data entry, profile, what-if, submission."""

from django.apps import AppConfig


class IndexConfig(AppConfig):
    name = "stiplan.index"
    label = "index"
    verbose_name = "Chỉ số đổi mới sáng tạo"
