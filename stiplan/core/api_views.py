"""Read API for the audit log, filtered by the same restriction as the history pages."""

from rest_framework import serializers, viewsets

from stiplan.core.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor_label", "action", "object_type", "object_id", "object_repr",
                  "unit", "before", "after", "reason"]


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEntrySerializer
    filterset_fields = ["object_type", "object_id", "action"]

    def get_queryset(self):
        return AuditEntry.objects.restrict(self.request.user).select_related("unit")
