"""The yearly reporting round (kỳ báo cáo): requests, unit reports, review, Excel, reminders."""

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "stiplan.reporting"
    label = "reporting"
    verbose_name = "Báo cáo"
