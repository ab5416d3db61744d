"""The route rules: for every URL name of stiplan (pages, API, admin), who may use it.

Each rule maps a method to the roles allowed, either for every object ("any") or per unit:
"own" is an object of VL25.STC, the reporter's unit; "other" one of VL25.SGDDT. A role not listed
must be refused (403, 404, 405, a 4xx answer, or a redirect to the login page). tests/core/
test_routes.py walks the URL resolver and fails on a route without a rule here."""

from __future__ import annotations

VISITOR, ADMIN, PLAN, REVIEWER, REPORTER, LEADER = (
    "visitor", "admin", "plan_officer", "reviewer", "reporter", "leader")
ROLES = (VISITOR, ADMIN, PLAN, REVIEWER, REPORTER, LEADER)
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {VISITOR}
INTERNAL = frozenset({ADMIN, PLAN, REVIEWER, LEADER})
DEPARTMENT = frozenset({ADMIN, PLAN})
UNIT = INTERNAL | {REPORTER}  # the Department, and the reporter for the own unit
NOBODY = frozenset()


def same(roles) -> dict:
    """The same roles for an object of the own unit and of another one."""
    return {"own": frozenset(roles), "other": frozenset(roles)}


def unit_scoped(own, other) -> dict:
    return {"own": frozenset(own), "other": frozenset(other)}


#: name → {method: {"own"/"other": roles}}. POST is tried with an empty body: "allowed" there
#: means only that the role is not refused (the empty form may still be rejected with a 200).
RULES: dict[str, dict[str, dict]] = {
    # pages
    "home": {"GET": same(EVERYONE)},
    "plan-list": {"GET": same(EVERYONE)},
    "plan-detail": {"GET": same(EVERYONE)},
    "plan-export": {"GET": same(EVERYONE)},
    "action-detail": {"GET": same(EVERYONE), "POST": same(DEPARTMENT)},
    "plan-import": {"GET": same(DEPARTMENT), "POST": same(DEPARTMENT)},
    "draft-review": {"GET": same(DEPARTMENT), "POST": same(DEPARTMENT)},
    "draft-source": {"GET": same(DEPARTMENT)},
    "plan-versions": {"GET": same(EVERYONE)},
    "amendment-file": {"GET": same(DEPARTMENT)},
    "plan-amend": {"GET": same(DEPARTMENT), "POST": same(DEPARTMENT)},
    "plan-edit": {"GET": same(DEPARTMENT), "POST": same(DEPARTMENT)},
    "plan-item-delete": {"GET": same(DEPARTMENT), "POST": same(DEPARTMENT)},
    "unit-list": {"GET": same(EVERYONE)},
    "unit-detail": {"GET": same(EVERYONE)},
    "round-list": {"GET": same(SIGNED_IN)},
    "round-open": {"GET": same(DEPARTMENT), "POST": same(DEPARTMENT)},
    "round-board": {"GET": same(SIGNED_IN), "POST": same(DEPARTMENT)},
    "report-detail": {"GET": unit_scoped(UNIT, INTERNAL),
                      "POST": unit_scoped({ADMIN, PLAN, REVIEWER, REPORTER}, {ADMIN, PLAN, REVIEWER})},
    "report-template": {"GET": unit_scoped({ADMIN, PLAN, REPORTER}, DEPARTMENT)},
    "report-upload": {"POST": unit_scoped({ADMIN, PLAN, REPORTER}, DEPARTMENT)},
    "report-evidence": {"POST": unit_scoped({ADMIN, PLAN, REPORTER}, DEPARTMENT)},
    "evidence-download": {"GET": unit_scoped(UNIT, INTERNAL)},
    "evidence-remove": {"POST": unit_scoped({ADMIN, PLAN, REPORTER}, DEPARTMENT)},
    "overview": {"GET": same(EVERYONE)},
    "action-board": {"GET": same(EVERYONE)},
    "indicator-detail": {"GET": same(EVERYONE)},
    "indicator-download": {"GET": same(EVERYONE)},
    "document-list": {"GET": same(INTERNAL), "POST": same(DEPARTMENT)},
    "document-detail": {"GET": same(INTERNAL)},
    "document-regenerate": {"POST": same(DEPARTMENT)},
    "document-file": {"GET": same(INTERNAL)},
    "document-templates": {"GET": same(INTERNAL), "POST": same(DEPARTMENT)},
    "document-template-file": {"GET": same(INTERNAL)},
    "document-template-revert": {"POST": same(DEPARTMENT)},
    "index-home": {"GET": same(EVERYONE)},
    "index-profile": {"GET": same(EVERYONE)},
    "index-whatif": {"POST": same(INTERNAL)},
    "index-entry": {"GET": same(INTERNAL), "POST": same(DEPARTMENT)},
    "index-check": {"POST": same(DEPARTMENT)},
    "index-review": {"POST": same({ADMIN, REVIEWER})},
    "index-evidence": {"GET": same(INTERNAL)},
    "index-compute": {"POST": same(DEPARTMENT)},
    "index-package": {"GET": same(INTERNAL)},
    "task-list": {"GET": same(EVERYONE)},
    "task-detail": {"GET": same(EVERYONE), "POST": same(DEPARTMENT)},
    "task-propose": {"GET": same(DEPARTMENT | {REPORTER}), "POST": same(DEPARTMENT | {REPORTER})},
    "organisation-list": {"GET": same(EVERYONE)},
    "organisation-detail": {"GET": same(EVERYONE)},
    "person-detail": {"GET": same(EVERYONE)},  # a member of a public task; staff: anyone
    "ip-list": {"GET": same(EVERYONE)},
    "dataset-list": {"GET": same(EVERYONE)},
    "dataset-detail": {"GET": same(EVERYONE)},
    "dataset-file": {"GET": same(EVERYONE)},
    "data-catalog": {"GET": same(EVERYONE)},
    "data-dhis2": {"GET": same(EVERYONE)},
    # labs and published offers and demands: everyone reads; the Department adds and publishes
    "lab-list": {"GET": same(EVERYONE), "POST": same(DEPARTMENT)},
    "lab-detail": {"GET": same(EVERYONE), "POST": same(DEPARTMENT)},
    "offer-list": {"GET": same(EVERYONE), "POST": same(DEPARTMENT)},
    "offer-detail": {"GET": same(EVERYONE), "POST": same(DEPARTMENT)},  # a published offer
    "demand-list": {"GET": same(EVERYONE), "POST": same(DEPARTMENT)},
    "demand-detail": {"GET": same(EVERYONE), "POST": same(DEPARTMENT)},  # a published demand
    # the portal (issue 14): the search, the sitemap and robots.txt are everyone's; anyone may write
    # to the owner of a published offer or demand; the messages are the Department's (and the
    # receiving organisation's unit's: an empty list for the other units' people)
    "site-search": {"GET": same(EVERYONE)},
    "sitemap": {"GET": same(EVERYONE)},
    "robots": {"GET": same(EVERYONE)},
    "offer-contact": {"GET": same(EVERYONE), "POST": same(EVERYONE)},
    "demand-contact": {"GET": same(EVERYONE), "POST": same(EVERYONE)},
    "listing-messages": {"GET": same(SIGNED_IN)},
    # bulk files: anyone exports what they may see; the Department imports
    "registry-transfer": {"GET": same(EVERYONE), "POST": same(DEPARTMENT)},
    "registry-export": {"GET": same(EVERYONE)},
    "registry-import-job": {"GET": same(INTERNAL)},
    # councils: their members, conflicts and scores are the Department's only (never public)
    "council-list": {"GET": same(INTERNAL), "POST": same(DEPARTMENT)},
    "council-detail": {"GET": same(INTERNAL), "POST": same(DEPARTMENT)},
    "council-minutes": {"GET": same(INTERNAL)},
    # competitions: the calls and their published winners are public; entries, scores and the
    # council are not; the scorecard is internal
    "competition-list": {"GET": same(EVERYONE), "POST": same(DEPARTMENT)},
    "competition-detail": {"GET": same(EVERYONE), "POST": same(DEPARTMENT)},
    "scorecard": {"GET": same(INTERNAL), "POST": same(DEPARTMENT)},
    "scorecard-export": {"GET": same(INTERNAL)},
    "audit-list": {"GET": same(SIGNED_IN)},
    "object-history": {"GET": same(SIGNED_IN)},
    # accounts and language
    "login": {"GET": same(EVERYONE), "POST": same(EVERYONE)},
    "logout": {"POST": same(EVERYONE)},
    "password_change": {"GET": same(SIGNED_IN), "POST": same(SIGNED_IN)},
    "password_change_done": {"GET": same(SIGNED_IN)},
    "password_reset": {"GET": same(EVERYONE), "POST": same(EVERYONE)},
    "password_reset_done": {"GET": same(EVERYONE)},
    "password_reset_confirm": {"GET": same(EVERYONE)},
    "password_reset_complete": {"GET": same(EVERYONE)},
    "set_language": {"POST": same(EVERYONE)},
    # the admin, as one prefix: staff accounts only
    "admin": {"GET": same(DEPARTMENT)},
    # API
    "api-root": {"GET": same(EVERYONE)},
    "api-schema": {"GET": same(EVERYONE)},
    "api-docs": {"GET": same(EVERYONE)},
    "api-unit-list": {"GET": same(EVERYONE)},
    "api-unit-detail": {"GET": same(EVERYONE)},
    "api-unit-successors": {"GET": same(EVERYONE)},
    "api-membership-list": {"GET": same(EVERYONE)},
    "api-membership-detail": {"GET": unit_scoped(UNIT, INTERNAL)},
    "api-plan-list": {"GET": same(EVERYONE)},
    "api-plan-detail": {"GET": same(EVERYONE)},
    "api-audit-list": {"GET": same(EVERYONE)},
    "api-audit-detail": {"GET": unit_scoped(UNIT, INTERNAL)},
    "api-round-list": {"GET": same(SIGNED_IN)},
    "api-round-detail": {"GET": same(SIGNED_IN)},
    "api-round-board": {"GET": same(SIGNED_IN)},
    "api-report-list": {"GET": same(SIGNED_IN)},
    "api-report-detail": {"GET": unit_scoped(UNIT, INTERNAL)},
    "api-report-template": {"GET": unit_scoped({ADMIN, PLAN, REPORTER}, DEPARTMENT)},
    "api-report-save": {"POST": unit_scoped({ADMIN, PLAN, REPORTER}, DEPARTMENT)},
    "api-report-submit": {"POST": unit_scoped({ADMIN, PLAN, REPORTER}, DEPARTMENT)},
    "api-report-return-": {"POST": same({ADMIN, REVIEWER})},
    "api-report-accept": {"POST": same({ADMIN, REVIEWER})},
    "api-report-unlock": {"POST": same({ADMIN, PLAN, REVIEWER})},
    "api-report-upload": {"POST": unit_scoped({ADMIN, PLAN, REPORTER}, DEPARTMENT)},
    "api-document-list": {"GET": same(INTERNAL), "POST": same(DEPARTMENT)},
    "api-document-detail": {"GET": same(INTERNAL)},
    "api-document-file": {"GET": same(INTERNAL)},
    "api-document-regenerate": {"POST": same(DEPARTMENT)},
    # the registry: public facts for everyone (restrict() hides proposals); the national
    # exchange holds contacts, decisions and the acceptance grade, so it is the Department's
    # writes as on the pages: plan and reporting officers propose, plan officers move a task and
    # add, publish and withdraw technology offers
    "api-task-list": {"GET": same(EVERYONE), "POST": same(DEPARTMENT | {REPORTER})},
    "api-task-detail": {"GET": same(EVERYONE)},
    "api-task-move": {"POST": same(DEPARTMENT)},
    "api-task-national": {"GET": same(INTERNAL)},
    "api-organisation-list": {"GET": same(EVERYONE)},
    "api-organisation-detail": {"GET": same(EVERYONE)},
    "api-ip-asset-list": {"GET": same(EVERYONE)},
    "api-ip-asset-detail": {"GET": same(EVERYONE)},
    "api-output-list": {"GET": same(EVERYONE)},
    "api-output-detail": {"GET": same(EVERYONE)},
    "api-offer-list": {"GET": same(EVERYONE), "POST": same(DEPARTMENT)},
    "api-offer-detail": {"GET": same(EVERYONE)},  # a published offer
    "api-offer-status": {"POST": same(DEPARTMENT)},
}

#: Routes whose allowed roles may still be answered 4xx by this world (the refusal side is
#: checked; the allowed side is not required to succeed), with the reason.
REFUSAL_ONLY = {
    "document-file": "the world's document is queued, so its file is 404 for everybody",
    "api-document-file": "the world's document is queued, so its file is 404 for everybody",
    "password_reset_confirm": "a made-up token; Django answers 200 with 'invalid link' anyway",
}

#: Open findings of this matrix: (method, route, role) that a page answers like a permitted one
#: although the role is refused once the form is valid. None is open: the documents forms and the
#: evidence upload now refuse first; a finding that is refused again fails as stale.
OPEN_FINDINGS: set[tuple[str, str, str]] = set()
