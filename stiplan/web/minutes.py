"""The minutes of a council (biên bản) as a Word file: the registry gives the council's record as
plain data, the documents layer writes it in the Decree 30 format. It lives here, above both
apps, because neither imports the other (the layers contract)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone, translation
from django.views import View

from stiplan.core.constants import MIME_DOCX
from stiplan.core.tables import download
from stiplan.core.views import RestrictedQuerysetMixin
from stiplan.documents.minutes import minutes_docx
from stiplan.registry.councils import council_record, minutes_content
from stiplan.registry.models import Council


class CouncilMinutesView(LoginRequiredMixin, RestrictedQuerysetMixin, View):
    """The minutes of one council, for those who may read it (the Department); dated the meeting
    day, else today. The minutes are Vietnamese whatever the page language."""

    queryset = Council.objects.all()
    refuse_when_none = True

    def get(self, request, pk: int):
        council = self.visible_object(pk=pk)
        with translation.override("vi"):
            content = minutes_content(council_record(council, request.user))
            raw = minutes_docx(content, council.meets_on or timezone.localdate())
        return download(raw, MIME_DOCX, f"bien-ban-hoi-dong-{council.pk}.docx")
