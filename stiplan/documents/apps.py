"""Official documents (văn bản): the yearly report and ad hoc answers as DOCX, PDF and XLSX."""

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "stiplan.documents"
    label = "documents"
    verbose_name = "Văn bản báo cáo"
