"""Official documents (văn bản): the yearly report and ad hoc answers as DOCX, PDF and XLSX."""

from django.apps import AppConfig

from stiplan.core import jobs


class DocumentsConfig(AppConfig):
    name = "stiplan.documents"
    label = "documents"
    verbose_name = "Văn bản báo cáo"

    def ready(self) -> None:
        """Document jobs left queued or running are failed by the stale-job schedule."""
        jobs.register_expirer("documents", "stiplan.documents.actions.expire_stale_jobs")
