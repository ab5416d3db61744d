"""Documents API: list and read documents with their job state, ask for one, download its files,
rebuild one from the archive — through the same restricted query set and actions as the pages."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from stiplan.core.api import ActionPermission, SelectableFields
from stiplan.core.api_schema import refusals
from stiplan.core.api_views import RestrictedViewSet
from stiplan.documents import actions as act
from stiplan.documents.files import CONTENT_TYPES, file_response
from stiplan.documents.models import Document, Format, JobState
from stiplan.reporting.api import RoundFilter
from stiplan.reporting.models import Round


class DocumentSerializer(SelectableFields, serializers.ModelSerializer):
    files = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "kind", "round", "layout", "formats", "options", "state", "progress", "step",
                  "error", "inputs", "regenerated_from", "created_at", "finished_at", "files"]

    def get_files(self, document) -> dict[str, str]:
        request = self.context.get("request")
        if request is None or document.state != JobState.DONE:
            return {}
        return {fmt: request.build_absolute_uri(f"/api/v1/documents/{document.pk}/file/{fmt}/")
                for fmt in Format.values if document.file_of(fmt)}


class RequestSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    layout = serializers.CharField(default="default")
    formats = serializers.ListField(child=serializers.ChoiceField(Format.values),
                                    default=list(Format.values))
    options = serializers.DictField(child=serializers.CharField(allow_blank=True), default=dict)


class DocumentFilter(RoundFilter):
    class Meta:
        model = Document
        fields = ["kind", "round", "state"]


class DocumentViewSet(RestrictedViewSet):
    """GET documents (Department only); POST to ask for one (queued); GET …/file/{fmt}/;
    POST …/regenerate/. Reporting officers and the public get 403, not an empty list."""

    permission_classes = [IsAuthenticated, ActionPermission]
    queryset = Document.objects.select_related("round")
    refuse_when_none = True
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    allows_writes = True

    @property
    def throttle_scope(self) -> str | None:
        """Asking for a document (or rebuilding one) starts a job: the "heavy" rate."""
        return "heavy" if self.action in ("create", "regenerate") else None

    @extend_schema(request=RequestSerializer, responses={202: DocumentSerializer})
    @refusals("404")
    def create(self, request):
        data = RequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        round_ = Round.objects.restrict(request.user).filter(pk=args["round"]).first()
        if round_ is None:
            raise NotFound
        document = act.request_document(round_, layout=args["layout"], formats=args["formats"],
                                        options=args["options"], by=request.user)
        return self._accepted(document)

    @extend_schema(request=None, responses={202: DocumentSerializer})
    @refusals("409")
    @action(detail=True, methods=["post"], filter_backends=[])
    def regenerate(self, request, pk=None):
        """409 when the document has no archived content to rebuild from (still queued, failed)."""
        return self._accepted(act.regenerate(self.get_object(), by=request.user))

    @extend_schema(
        parameters=[OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=list(Format.values))],
        responses={(200, CONTENT_TYPES[fmt]): OpenApiResponse(OpenApiTypes.BINARY)
                   for fmt in Format.values})
    @action(detail=True, url_path=r"file/(?P<fmt>[a-z]+)", pagination_class=None,
            filter_backends=[])
    def file(self, request, pk=None, fmt=None):
        try:
            return file_response(self.get_object(), fmt)
        except Http404:
            raise NotFound from None

    def _accepted(self, document: Document) -> Response:
        """202 with the document as it stands (queued, or made when jobs run inline)."""
        document.refresh_from_db()
        return Response(self.get_serializer(document).data, status=status.HTTP_202_ACCEPTED)
