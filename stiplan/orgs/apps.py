"""Organisation units with dated history (đơn vị và lịch sử sắp xếp tổ chức)."""

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "stiplan.orgs"
    label = "orgs"
    verbose_name = "Đơn vị"
