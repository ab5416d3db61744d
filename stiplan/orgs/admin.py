from django.contrib import admin

from stiplan.core.admin import AuditedAdmin
from stiplan.orgs.models import Membership, OrgUnit, ReorgEvent, ReorgLink


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "type", "parent", "valid_from", "valid_to", "synthetic"]
    list_filter = ["type", "synthetic"]
    search_fields = ["code", "name", "name_en"]
    raw_id_fields = ["parent"]


class ReorgLinkInline(admin.TabularInline):
    model = ReorgLink
    fk_name = "event"
    raw_id_fields = ["source", "target"]
    extra = 0


@admin.register(ReorgEvent)
class ReorgEventAdmin(AuditedAdmin):
    list_display = ["date", "code", "kind", "title", "confirmed"]
    list_filter = ["kind", "confirmed"]
    inlines = [ReorgLinkInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "unit", "role", "valid_from", "valid_to"]
    list_filter = ["role"]
    raw_id_fields = ["unit"]
