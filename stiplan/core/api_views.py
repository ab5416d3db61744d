"""Read API for the audit log, filtered by the same restriction as the history pages; and the
answer to an address nobody serves (JSON under /api/, the site's page elsewhere)."""

from django.http import JsonResponse
from django.views.defaults import page_not_found
from rest_framework import serializers, viewsets

from stiplan.core.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor_label", "action", "object_type", "object_id", "object_repr",
                  "unit", "before", "after", "reason"]


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEntrySerializer
    filterset_fields = ["object_type", "object_id", "action"]

    def get_queryset(self):
        return AuditEntry.objects.restrict(self.request.user).select_related("unit")


def not_found(request, exception=None):
    """handler404: an API client gets JSON like every other API refusal."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Không tìm thấy. / Not found."}, status=404)
    return page_not_found(request, exception)
