"""Official documents (văn bản): the yearly report and ad hoc answers as DOCX, PDF and XLSX."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "stiplan.reports"
    label = "reports"
    verbose_name = "Văn bản báo cáo"
