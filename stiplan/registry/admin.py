"""The registry in the admin: the Department's plan officers maintain resources (organisations,
people, programmes, IP assets) through audited saves; tasks and councils are shown read-only,
since they change only through the lifecycle actions."""

from django.contrib import admin

from stiplan.core.admin import AuditedAdmin, ReadOnly
from stiplan.registry.models import (
    Affiliation,
    BudgetLine,
    Council,
    CouncilMember,
    IPAsset,
    Organisation,
    OrganisationRelation,
    Person,
    Programme,
    ScienceField,
    Task,
    TaskMember,
    TaskStep,
)


class RelationInline(admin.TabularInline):
    model = OrganisationRelation
    fk_name = "source"
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "certificate_number", "synthetic"]
    list_filter = ["kind", "synthetic"]
    search_fields = ["code", "name", "short_name"]
    inlines = [RelationInline]


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["full_name", "degree", "title", "synthetic"]
    search_fields = ["full_name"]
    inlines = [AffiliationInline]


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["code", "decision_number", "name"]
    search_fields = ["code", "name", "decision_number"]


@admin.register(IPAsset)
class IPAssetAdmin(AuditedAdmin):
    list_display = ["title", "kind", "number", "owner", "synthetic"]
    list_filter = ["kind"]
    search_fields = ["title", "number"]


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    """Shown, never edited here: the rows change through the registry's actions."""


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    extra = 0


@admin.register(ScienceField)
class ScienceFieldAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "oecd"]
    search_fields = ["code", "name"]


class MemberInline(ReadOnlyInline):
    model = TaskMember


class BudgetInline(ReadOnlyInline):
    model = BudgetLine


class StepInline(ReadOnlyInline):
    model = TaskStep
    fields = ["on", "step", "from_state", "to_state", "decision_number", "decision_date", "by", "note"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "level", "kind", "regime", "state", "public"]
    list_filter = ["regime", "state", "level", "kind"]
    search_fields = ["code", "title"]
    inlines = [MemberInline, BudgetInline, StepInline]


class SeatInline(ReadOnlyInline):
    model = CouncilMember


@admin.register(Council)
class CouncilAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "decision_number", "meets_on"]
    list_filter = ["kind"]
    inlines = [SeatInline]
