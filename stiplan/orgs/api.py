"""Read API for units (with ?on=DATE) and memberships, through the restricted query sets."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from stiplan.core.api import SelectableFields
from stiplan.core.api_views import RestrictedViewSet
from stiplan.core.dates import parse_day
from stiplan.orgs.lineage import load_lineage
from stiplan.orgs.models import Membership, OrgUnit


class OrgUnitSerializer(SelectableFields, serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = OrgUnit
        fields = ["code", "type", "name", "short_name", "name_en", "parent", "valid_from",
                  "valid_to", "synthetic"]


class MembershipSerializer(SelectableFields, serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "unit", "role", "valid_from", "valid_to"]


ON = OpenApiParameter("on", str, description="YYYY-MM-DD; mặc định hôm nay / default today")


class OrgUnitViewSet(RestrictedViewSet):
    queryset = OrgUnit.objects.select_related("parent")
    serializer_class = OrgUnitSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    filterset_fields = ["type"]

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list" and "on" in self.request.query_params:
            qs = qs.valid_on(parse_day(self.request.query_params["on"]))
        return qs.order_by("code")

    @extend_schema(parameters=[ON])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[ON], responses=OrgUnitSerializer(many=True))
    @action(detail=True, pagination_class=None, filter_backends=[])
    def successors(self, request, code=None):
        unit = self.get_object()
        day = parse_day(request.query_params.get("on"))
        codes = load_lineage().successors(unit.code, day, request.query_params.get("function", ""))
        units = self.get_queryset().in_bulk(codes, field_name="code")
        return Response(OrgUnitSerializer([units[c] for c in codes if c in units], many=True).data)


class MembershipViewSet(RestrictedViewSet):
    queryset = Membership.objects.select_related("unit", "user")
    serializer_class = MembershipSerializer
    filterset_fields = ["role"]
