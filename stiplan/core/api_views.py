"""The viewset every app's API builds on (reads only through `restrict()`, related rows
included, with field selection, ETags on details and If-Match on writes), the audit log's read
API, its docs page, and the answer to an address nobody serves (JSON under /api/, the site's page elsewhere).
Apart from stiplan.core.api, which the settings import and so must not import DRF's views."""

import hashlib
import json

from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.cache import parse_etags
from django.utils.decorators import method_decorator
from django.views.defaults import page_not_found
from django_filters import rest_framework as filters
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from stiplan.core.api import SelectableFields, TextFilter
from stiplan.core.models import AuditEntry
from stiplan.core.permissions import restriction


def etag_of(data) -> str:
    """A strong ETag of a representation: the SHA-256 of its canonical JSON."""
    text = json.dumps(data, cls=JSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return f'"{hashlib.sha256(text.encode()).hexdigest()[:40]}"'


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


class RestrictedViewSet(viewsets.ReadOnlyModelViewSet):
    """Lists and details of `queryset` only through `restrict(user)`, with the `related` rows
    the serializer shows (relation names or Prefetch objects) restricted as well; an object
    outside the set is 404. With `refuse_when_none`, a caller who may read no row gets 403
    rather than an empty list.

    A detail GET carries the strong ETag of its representation and answers 304 to an
    If-None-Match holding it. A write on one object calls `check_if_match()` before its action:
    an If-Match that is not the ETag of the full detail GET now is refused with 412 (a write
    without If-Match is accepted: docs/api.md)."""

    related: tuple = ()
    refuse_when_none = False
    #: "heavy" on the actions that start a job or read a workbook (core.api.HeavyThrottle)
    throttle_scope: str | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.refuse_when_none and restriction(request.user, self.queryset.model) is False:
            raise PermissionDenied

    def get_queryset(self):
        user = self.request.user
        return super().get_queryset().restrict(user).with_related(user, *self.related)

    def selectable_fields(self) -> list[str] | None:
        """The field names `?fields=` and `?omit=` may name on this action (None: no selection)."""
        if self.action not in ("list", "retrieve"):
            return None
        serializer_class = self.get_serializer_class()
        if not issubclass(serializer_class, SelectableFields):
            return None
        return list(serializer_class(context={}).fields)

    def finalize_response(self, request, response, *args, **kwargs):
        if (request.method in ("GET", "HEAD") and self.action == "retrieve"
                and isinstance(response, Response) and response.status_code == 200):
            tag = etag_of(response.data)
            held = parse_etags(request.headers.get("If-None-Match", ""))
            if tag in held or "*" in held:
                response = Response(status=status.HTTP_304_NOT_MODIFIED)
            response["ETag"] = tag
        return super().finalize_response(request, response, *args, **kwargs)

    def detail_response(self) -> Response:
        """The detail GET's answer for this caller now, all fields, with its ETag (the answer
        of a write that returns the object, and what If-Match is held against)."""
        reader = type(self)(action="retrieve", request=self.request, args=self.args,
                            kwargs=self.kwargs, format_kwarg=self.format_kwarg)
        response = reader.retrieve(self.request, *self.args, **self.kwargs)
        response["ETag"] = etag_of(response.data)
        return response

    def check_if_match(self) -> None:
        """412 unless If-Match is absent, `*`, or holds the object's current ETag."""
        header = self.request.headers.get("If-Match")
        if header is None:
            return
        current = self.detail_response()["ETag"]
        tags = parse_etags(header)
        if "*" not in tags and current not in tags:
            raise PreconditionFailed(
                f"Đối tượng đã thay đổi từ khi bạn đọc: If-Match không khớp ETag hiện tại {current}; "
                f"hãy đọc lại (GET) rồi gửi lại. / The object changed since you read it: If-Match "
                f"does not match its current ETag {current}; read it again (GET) and resend.")


class AuditEntrySerializer(SelectableFields, serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor_label", "action", "object_type", "object_id", "object_repr",
                  "unit", "before", "after", "reason"]


class AuditEntryFilter(filters.FilterSet):
    object_type = TextFilter(help_text="app.model, ví dụ / e.g. reporting.unitreport")
    object_id = TextFilter()
    action = TextFilter(help_text="ví dụ / e.g. reporting.submit")


class AuditEntryViewSet(RestrictedViewSet):
    queryset = AuditEntry.objects.select_related("unit")
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter


@method_decorator(csp_update({"img-src": ["data:"]}), name="dispatch")
class ApiDocsView(SpectacularSwaggerSplitView):
    """/api/v1/docs/: Swagger UI on the live schema, from the local static files of
    drf-spectacular-sidecar, its start-up script served by this view (?script) so that the
    page runs under the site's Content-Security-Policy. The one exception, on this page only:
    Swagger UI's icons are SVG `data:` images (img-src; scripts and styles stay 'self')."""

    template_name = "api/docs.html"
    title = "stiplan API"


def not_found(request, exception=None):
    """handler404: an API client gets JSON like every other API refusal."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Không tìm thấy. / Not found."}, status=404)
    return page_not_found(request, exception)
