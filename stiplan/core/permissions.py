"""Roles and permissions, in one place: the row filters for reads (POLICIES) and the rules for writes.

Every read in UI, API and exports goes through `Model.objects.restrict(user, action)`, which asks
`restriction()` here; `can(user, "app.view_model", obj)` answers from the same POLICIES. Every
write goes through an action function, which calls `require()` here. No app is imported: the
memberships are read through the app registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rules
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    PLAN_OFFICER = "plan_officer", _("Chuyên viên kế hoạch (Sở KH&CN)")
    REVIEWER = "reviewer", _("Chuyên viên thẩm định báo cáo (Sở KH&CN)")
    REPORTER = "reporter", _("Cán bộ báo cáo của đơn vị")
    LEADER = "leader", _("Lãnh đạo (chỉ xem)")


#: Roles that see the Department's internal data (drafts, all units' contacts, the audit log).
INTERNAL_ROLES = frozenset({Role.ADMIN, Role.PLAN_OFFICER, Role.REVIEWER, Role.LEADER})
#: Plan statuses that anybody, signed in or not, may read.
PUBLIC_PLAN_STATUSES = ("in_force", "superseded", "expired")


@dataclass(frozen=True)
class Access:
    """What one user may do: their roles and the units they belong to today."""

    roles: frozenset[str] = frozenset()
    unit_ids: frozenset[int] = frozenset()
    memberships: frozenset[tuple[str, int]] = frozenset()
    is_authenticated: bool = False
    is_superuser: bool = False
    system: bool = False
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_admin(self) -> bool:
        return self.system or self.is_superuser or Role.ADMIN in self.roles

    @property
    def internal(self) -> bool:
        return self.is_admin or bool(self.roles & INTERNAL_ROLES)

    def has(self, *roles: str) -> bool:
        return self.is_admin or bool(self.roles & set(roles))

    def units_for(self, *roles: str) -> frozenset[int]:
        """The units where the user holds one of `roles`."""
        return frozenset(unit for role, unit in self.memberships if role in roles)


SYSTEM_ACCESS = Access(system=True, is_authenticated=True)
PUBLIC_ACCESS = Access()


def access_of(user) -> Access:
    """The user's Access, computed once per user object (None means the system: CLI, loaders)."""
    if user is None:
        return SYSTEM_ACCESS
    if not getattr(user, "is_authenticated", False):
        return PUBLIC_ACCESS
    cached = getattr(user, "_stiplan_access", None)
    if cached is not None:
        return cached
    membership = apps.get_model("orgs", "Membership")
    pairs = list(membership.objects.filter(user=user).valid_on(timezone.localdate())
                 .values_list("role", "unit_id"))
    access = Access(
        roles=frozenset(r for r, _u in pairs),
        unit_ids=frozenset(u for _r, u in pairs),
        memberships=frozenset(pairs),
        is_authenticated=True,
        is_superuser=user.is_superuser,
    )
    user._stiplan_access = access
    return access


# --- Reads: row filters per model ------------------------------------------------------------

def _public_plan(prefix: str):
    def policy(access: Access, action: str):
        if action == "view":
            return True if access.internal else Q(**{f"{prefix}status__in": PUBLIC_PLAN_STATUSES})
        return access.has(Role.PLAN_OFFICER)
    return policy


def _reference(access: Access, action: str):
    return True if action == "view" else access.has(Role.PLAN_OFFICER)


def _unit_scoped_via(prefix: str):
    """Rows of one unit (through `prefix`, e.g. report__): its people see them, the Department
    sees all; only administrators change them directly."""
    def policy(access: Access, action: str):
        if action != "view":
            return access.is_admin
        if access.internal:
            return True
        if access.is_authenticated and access.unit_ids:
            return Q(**{f"{prefix}unit_id__in": access.unit_ids})
        return False
    return policy


#: Data that belongs to one unit: its own people see it, the Department sees all.
_unit_scoped = _unit_scoped_via("")


def _audit(access: Access, action: str):
    """The audit log: a unit's people see their unit's entries, except internal ones."""
    condition = _unit_scoped(access, action)
    return condition & Q(internal=False) if isinstance(condition, Q) else condition


def _final_values(access: Access, action: str):
    """Data values: final ones (accepted reports, official figures) are public, as the
    dashboards built from them are; a value still under review is seen by the Department and by
    the unit it belongs to. The Department's plan officers enter and correct values."""
    if action != "view":
        return access.has(Role.PLAN_OFFICER)
    if access.internal:
        return True
    if access.is_authenticated and access.unit_ids:
        return Q(final=True) | Q(unit_id__in=access.unit_ids)
    return Q(final=True)


def _internal_only(access: Access, action: str):
    return access.internal if action == "view" else access.is_admin


def _admin_only(access: Access, action: str):
    return access.is_admin


POLICIES = {
    "orgs.orgunit": _reference,
    "orgs.reorgevent": _reference,
    "orgs.reorglink": _reference,
    "orgs.membership": _unit_scoped,
    "core.auditentry": _audit,
    "core.apitoken": _admin_only,
    "plans.indicator": _reference,
    "plans.plan": _public_plan(""),
    "plans.relateddocument": _public_plan("plan__"),
    "plans.objective": _public_plan("plan__"),
    "plans.planindicator": _public_plan("plan__"),
    "plans.target": _public_plan("plan__"),
    "plans.taskgroup": _public_plan("plan__"),
    "plans.action": _public_plan("group__plan__"),
    "plans.assignment": _public_plan("action__group__plan__"),
    "plans.amendment": _public_plan("plan__"),
    "plans.plandraft": _internal_only,
    "reporting.round": _unit_scoped_via("reports__"),
    "reporting.unitreport": _unit_scoped,
    "reporting.actionitem": _unit_scoped_via("report__"),
    "reporting.indicatoritem": _unit_scoped_via("report__"),
    "reporting.questionitem": _unit_scoped_via("report__"),
    "reporting.attachment": _unit_scoped_via("report__"),
    "reporting.indicatorassignment": _reference,
    "reporting.validationrule": _reference,
    "reporting.reminder": _internal_only,
    "metrics.datavalue": _final_values,
    "metrics.computation": _reference,
    "metrics.statusoverride": _reference,
    "metrics.revision": _reference,
    "documents.document": _internal_only,
    "documents.documenttemplate": _internal_only,
    # The index: frameworks, editions and the Academy's published results are public; the raw
    # values the Department enters and the results computed from them are internal (Department
    # staff and leaders) until the Academy publishes.
    "index.framework": _reference,
    "index.indexedition": _reference,
    "index.publishedresult": _reference,
    "index.indexvalue": _internal_only,
    "index.computation": _internal_only,
}


def restriction(user, model, action: str = "view") -> bool | Q:
    """True (all rows), False (none) or a Q filter for what `user` may `action` on `model`."""
    access = access_of(user)
    policy = POLICIES.get(model._meta.label_lower)
    if policy is None:
        return access.is_admin
    return policy(access, action)


def may_view(user, model, obj=None) -> bool:
    """Whether `user` may read `obj` of `model` by POLICIES; without an object, whether they may
    read some rows of it (which ones, `restrict()` says)."""
    condition = restriction(user, model, "view")
    if not isinstance(condition, Q):
        return condition
    if obj is None:
        return True
    return model._default_manager.filter(pk=obj.pk).filter(condition).exists()


def _view_rule(label: str):
    """The `app.view_model` permission of a model: its row in POLICIES, not a second rule."""
    @rules.predicate(name=f"view {label}")
    def viewable(user, obj=None) -> bool:
        return may_view(user, apps.get_model(label), obj)
    return viewable




# --- Writes: named permissions checked by action functions ----------------------------------

@rules.predicate
def is_admin(user) -> bool:
    return access_of(user).is_admin


@rules.predicate
def is_plan_officer(user) -> bool:
    return access_of(user).has(Role.PLAN_OFFICER)


@rules.predicate
def is_internal(user) -> bool:
    return access_of(user).internal


#: Reference data the Department's plan officers maintain (also through the admin).
for _label in ("plans.plan", "plans.indicator", "orgs.orgunit", "orgs.reorgevent", "orgs.reorglink",
               "reporting.round", "reporting.validationrule", "reporting.indicatorassignment",
               "metrics.computation", "metrics.datavalue"):
    _app, _model = _label.split(".")
    for _verb in ("add", "change", "delete"):
        rules.add_perm(f"{_app}.{_verb}_{_model}", is_plan_officer)
rules.add_perm("plans.load_plan", is_plan_officer)


@rules.predicate
def reports_for_the_unit(user, report) -> bool:
    """The user is a reporting officer of the report's unit (or a plan officer: the Department
    may enter data on a unit's behalf)."""
    access = access_of(user)
    if access.has(Role.PLAN_OFFICER):
        return True
    return report is not None and report.unit_id in access.units_for(Role.REPORTER)


@rules.predicate
def is_reviewer(user) -> bool:
    return access_of(user).has(Role.REVIEWER)


rules.add_perm("reporting.open_round", is_plan_officer)
rules.add_perm("reporting.edit_report", reports_for_the_unit)
rules.add_perm("reporting.review_report", is_reviewer)
rules.add_perm("reporting.unlock_report", is_reviewer | is_plan_officer)
rules.add_perm("orgs.change_membership", is_admin)
rules.add_perm("auth.change_user", is_admin)
for _verb in ("add", "change"):
    rules.add_perm(f"core.{_verb}_apitoken", is_admin)
rules.add_perm("documents.generate_document", is_plan_officer)
rules.add_perm("documents.upload_template", is_plan_officer)
rules.add_perm("documents.revert_template", is_plan_officer)
rules.add_perm("index.manage_edition", is_plan_officer)
rules.add_perm("index.enter_value", is_plan_officer)
rules.add_perm("index.review_value", is_reviewer)
rules.add_perm("index.compute", is_plan_officer)
rules.add_perm("index.export_package", is_internal)


def can(user, perm: str, obj=None) -> bool:
    if user is None:
        return True
    return rules.has_perm(perm, user, obj)


def require(user, perm: str, obj=None) -> None:
    """Raise PermissionDenied (with a bilingual message) unless `user` holds `perm`."""
    if not can(user, perm, obj):
        raise PermissionDenied(
            _("Bạn không có quyền thực hiện thao tác này (%(perm)s).") % {"perm": perm}
        )


# --- The STI registry (issue 12) ---------------------------------------------------------------
# Proposals are internal until approved (Task.public, set by the lifecycle); people are shown only
# through public tasks, and never their contacts or ID numbers (Person.PRIVATE_FIELDS); councils,
# reviewers, conflicts and scores are internal; technology offers and demands are public once
# published.

def _public_task_via(prefix: str):
    def policy(access: Access, action: str):
        if action != "view":
            return access.has(Role.PLAN_OFFICER)
        return True if access.internal else Q(**{f"{prefix}public": True})
    return policy


def _published_winner(access: Access, action: str):
    if action != "view":
        return access.has(Role.PLAN_OFFICER)
    return True if access.internal else Q(call__published=True) & ~Q(prize="")


def _published(access: Access, action: str):
    if action != "view":
        return access.has(Role.PLAN_OFFICER)
    return True if access.internal else Q(status="published")


def _listing_message(access: Access, action: str):
    """A visitor's message about an offer or a demand: the Department reads every one, the people
    of the receiving organisation's unit theirs; nobody changes one (it is sent, not edited)."""
    if action != "view":
        return access.is_admin
    if access.internal:
        return True
    if access.is_authenticated and access.unit_ids:
        return Q(organisation__unit_id__in=access.unit_ids)
    return False


POLICIES.update({
    **{f"registry.{m}": _reference for m in (
        "sciencefield", "legacyfieldcode", "organisation", "organisationrelation", "programme",
        "ipasset")},
    **{f"registry.{m}": _public_task_via(p) for m, p in (
        ("task", ""), ("taskmember", "task__"), ("budgetline", "task__"), ("output", "task__"),
        ("resultapplication", "task__"), ("person", "task_roles__task__"),
        ("affiliation", "person__task_roles__task__"))},
    **{f"registry.{m}": _internal_only for m in (
        "taskstep", "council", "councilmember", "conflictdeclaration", "score", "consensus",
        "servicerevenue")},
    # a bulk file's import job: its uploader (always the Department's staff) and the Department
    "registry.importjob": _internal_only,
    # a call (cuộc thi, giải thưởng, đợt công nhận sáng kiến) is announced in public; its entries
    # are the Department's until the results are published, and then only the winners
    "registry.call": _reference,
    "registry.entry": _published_winner,
    # labs and their equipment are public; an offer or a demand once published (drafts and
    # withdrawn ones are the Department's), and never its contact (Listing.PRIVATE_FIELDS)
    "registry.lab": _reference,
    "registry.equipment": _reference,
    "registry.technologyoffer": _published,
    "registry.technologydemand": _published,
    # visitors' messages to an offer's or a demand's owner: private (ListingMessage.PRIVATE_FIELDS)
    "registry.listingmessage": _listing_message,
})
rules.add_perm("registry.propose_task", is_plan_officer | rules.predicate(
    lambda user: access_of(user).has(Role.REPORTER)))
for _perm in ("move_task", "manage_council", "enter_score", "manage_resources", "manage_call"):
    rules.add_perm(f"registry.{_perm}", is_plan_officer)
#: Anyone, signed in or not, may write to the owner of a listing they can see (the action checks
#: that it is published; the page guards against spam and floods).
rules.add_perm("registry.contact_listing", rules.always_allow)
#: The exchange with the national system holds contacts, decisions and the acceptance grade.
rules.add_perm("registry.export_national", is_internal)
for _model in ("organisation", "organisationrelation", "person", "affiliation", "programme", "ipasset"):
    for _verb in ("add", "change", "delete"):
        rules.add_perm(f"registry.{_verb}_{_model}", is_plan_officer)

# Every `app.view_model` permission, the registry's included, answers from its POLICIES row.
for _label in POLICIES:
    _app, _model = _label.split(".")
    rules.add_perm(f"{_app}.view_{_model}", _view_rule(_label))

