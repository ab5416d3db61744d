"""The registry in the admin: the Department's plan officers maintain resources (organisations,
people, programmes, IP assets) through audited saves; tasks and councils are shown read-only,
since they change only through the lifecycle actions, and so are bulk import jobs (their job and
the stale-job expirer write them)."""

from django.contrib import admin
from django.urls import reverse

from stiplan.core.admin import AuditedAdmin, ReadOnly
from stiplan.registry.models import (
    Affiliation,
    BudgetLine,
    Council,
    CouncilMember,
    ImportJob,
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


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    """Large bulk files imported in the background: state, counts, problems, times. The kept file
    is in private storage and not linked here; "view on site" opens the job's page."""

    list_display = ["pk", "filename", "entity", "dry_run", "state", "rows_done", "rows_total",
                    "created_by", "created_at", "started_at", "finished_at"]
    list_filter = ["state", "entity", "dry_run"]
    search_fields = ["filename", "sha256"]
    date_hierarchy = "created_at"
    list_select_related = ["created_by"]
    fields = ["entity", "dry_run", "state", "step", "filename", "sha256", "rows_total", "rows_done",
              "created", "updated", "unchanged", "problems", "error", "created_by", "created_at",
              "started_at", "finished_at"]

    def view_on_site(self, obj):
        return reverse("registry-import-job", args=[obj.pk])
