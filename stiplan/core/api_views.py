"""The viewset every app's API builds on (reads only through `restrict()`, related rows
included), the audit log's read API, and the answer to an address nobody serves (JSON under
/api/, the site's page elsewhere). Apart from stiplan.core.api, which the settings import and
so must not import DRF's views."""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.views.defaults import page_not_found
from rest_framework import serializers, viewsets

from stiplan.core.models import AuditEntry
from stiplan.core.permissions import restriction


class RestrictedViewSet(viewsets.ReadOnlyModelViewSet):
    """Lists and details of `queryset` only through `restrict(user)`, with the `related` rows
    the serializer shows (relation names or Prefetch objects) restricted as well; an object
    outside the set is 404. With `refuse_when_none`, a caller who may read no row gets 403
    rather than an empty list."""

    related: tuple = ()
    refuse_when_none = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.refuse_when_none and restriction(request.user, self.queryset.model) is False:
            raise PermissionDenied

    def get_queryset(self):
        user = self.request.user
        return super().get_queryset().restrict(user).with_related(user, *self.related)


class AuditEntrySerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor_label", "action", "object_type", "object_id", "object_repr",
                  "unit", "before", "after", "reason"]


class AuditEntryViewSet(RestrictedViewSet):
    queryset = AuditEntry.objects.select_related("unit")
    serializer_class = AuditEntrySerializer
    filterset_fields = ["object_type", "object_id", "action"]


def not_found(request, exception=None):
    """handler404: an API client gets JSON like every other API refusal."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Không tìm thấy. / Not found."}, status=404)
    return page_not_found(request, exception)
