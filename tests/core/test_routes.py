"""The role × route matrix, generated from the URL configuration: every page, API endpoint and
the admin, × every role (the visitor and the five staff roles), × an object of the reporter's own
unit and of another unit. The rules are tests/routes.py; a route without a rule fails.

GET is tried for every route, POST (with an empty body) for the write routes: a role outside the
rule must be refused (4xx or a redirect to the login page) and leave no audit entry; a role inside
it must be served (except for the few REFUSAL_ONLY routes)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from stiplan.core.constants import DEFAULT_PLAN
from stiplan.core.models import AuditEntry
from stiplan.demo.registry import create_demo_registry
from stiplan.documents.actions import request_document
from stiplan.index.models import IndexValue
from stiplan.orgs.models import Membership
from stiplan.plans.actions import Decision, amend_plan, create_draft
from stiplan.plans.io import export_plan
from stiplan.plans.models import Action, Indicator, Plan
from stiplan.registry.actions import request_import
from stiplan.registry.models import (
    Call,
    Council,
    IPAsset,
    Lab,
    Output,
    Task,
    TechnologyDemand,
    TechnologyOffer,
)
from stiplan.reporting.actions import add_evidence, open_round
from tests.dbsnapshot import take
from tests.routes import NOBODY, OPEN_FINDINGS, REFUSAL_ONLY, ROLES, RULES, same, unit_scoped

pytestmark = pytest.mark.django_db

ACCOUNTS = {"admin": "quantri", "plan_officer": "kehoach", "reviewer": "thamdinh",
            "reporter": "baocao.stc", "leader": "lanhdao"}
OWN, OTHER = "VL25.STC", "VL25.SGDDT"
SEED_TEXT = Path(__file__).resolve().parents[1] / "plans" / "data" / "vinh-long-1925-2023.txt"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def resolver_routes() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every route name of the URL configuration → its pattern and parameters (the admin, as
    one prefix, is 'admin'). Format-suffix twins of the API routes share their name and rule."""
    found: dict[str, tuple[str, tuple[str, ...]]] = {}

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            pattern = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if pattern == "admin/":
                    found["admin"] = (pattern, ())
                else:
                    walk(entry.url_patterns, pattern)
            elif isinstance(entry, URLPattern):
                assert entry.name, f"a route without a name: {pattern}"
                if "format" not in entry.pattern.regex.groupindex:
                    found.setdefault(entry.name, (pattern, tuple(entry.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, "")
    return found


def test_every_route_has_a_rule():
    """A new route without a rule in tests/routes.py fails here."""
    missing = sorted(set(resolver_routes()) - set(RULES))
    assert missing == [], f"routes without a rule in tests/routes.py: {missing}"


def test_every_rule_names_a_route():
    stale = sorted(set(RULES) - set(resolver_routes()))
    assert stale == [], f"rules for routes that no longer exist: {stale}"


def test_an_unlisted_route_is_caught(monkeypatch):
    """The completeness check can fail: a route removed from the rules is reported."""
    trimmed = {k: v for k, v in RULES.items() if k != "api-report-submit"}
    monkeypatch.setattr("tests.core.test_routes.RULES", trimmed)
    assert sorted(set(resolver_routes()) - set(trimmed)) == ["api-report-submit"]


def build_world() -> dict[str, dict[str, str]]:
    """The 2025 round (every report a draft), one evidence file and one membership and one audit
    entry per unit, a queued document, the demo index (computed), the demo registry (its first
    public task, its host and its principal investigator; its first lab, published offer and
    demand): the values of each URL parameter, own and other."""
    plan = Plan.objects.get(code=DEFAULT_PLAN)
    index_value = IndexValue.objects.get(edition__year=2025, unit="VLG", code="1.1.1").pk
    round_ = open_round(plan, kind="annual", year=2025, deadline=date(2025, 12, 10),
                        opened_on=date(2025, 11, 1), by=None)
    reports = {side: round_.reports.get(unit__code=code) for side, code in (("own", OWN), ("other", OTHER))}
    evidence = {side: add_evidence(r, "bien-ban.pdf", PDF, by=None) for side, r in reports.items()}
    members = {side: Membership.objects.filter(unit__code=code).first()
               for side, code in (("own", OWN), ("other", OTHER))}
    audit = {side: AuditEntry.objects.filter(unit__code=code).first()
             for side, code in (("own", OWN), ("other", OTHER))}
    document = request_document(round_, formats=["xlsx"], by=None)
    action = Action.objects.filter(group__plan=plan).first()
    draft = create_draft("ke-hoach.txt", SEED_TEXT.read_bytes(), by=None)
    amend_plan(plan, Decision("99/QĐ-UBND", date(2026, 3, 1), file_name="qd.pdf", raw=PDF),
               [{**export_plan(plan)["targets"][0], "wording": "trên 55%", "value": 55}], by=None)
    create_demo_registry(tasks=14)
    import_job = request_import("tasks", "nv.csv", b"code\nNV-X\n", by=None).pk
    task = Task.objects.filter(public=True).order_by("pk").first()
    principal = task.members.get(role="principal").person_id
    council = Council.objects.order_by("pk").first().pk  # the demo's councils (selection, acceptance)
    exchange = {"lab": Lab.objects.order_by("pk").first().pk,
                **{name: model.objects.filter(status="published").order_by("pk").first().pk
                   for name, model in (("offer", TechnologyOffer), ("demand", TechnologyDemand))}}
    values = {}
    for side in ("own", "other"):
        values[side] = {
            "report": reports[side].pk, "evidence": evidence[side].pk, "membership": members[side].pk,
            "audit": audit[side].pk, "unit": OWN if side == "own" else OTHER,
            "round": round_.pk, "document": document.pk, "plan": plan.code, "action": action.code,
            "indicator": Indicator.objects.order_by("code").first().code,
            "index_value": index_value, "draft": draft.pk, "task": task.pk,
            "organisation": task.host_id, "person": principal, "council": council,
            "competition": Call.objects.get(published=True).pk, **exchange,
            "task_code": task.code, "organisation_code": task.host.code,
            "ip_asset": IPAsset.objects.order_by("pk").first().pk,
            "output": Output.objects.filter(task__public=True).order_by("pk").first().pk,
            "import_job": import_job,
        }
    return values


@pytest.fixture(scope="session")
def world_snapshot(django_db_setup, django_db_blocker, demo_index_snapshot):
    """The world, built once per worker on the demo index (jobs queued, not run), and its ids."""
    ids: dict[str, dict[str, str]] = {}

    def build() -> None:
        demo_index_snapshot.restore()
        with override_settings(STIPLAN_JOBS_SYNC=False):
            ids.update(build_world())

    with django_db_blocker.unblock():
        return take(build), ids


@pytest.fixture
def world(db, private_media, settings, world_snapshot) -> dict[str, dict[str, str]]:
    """The world in the test's database (see `build_world`); jobs stay queued."""
    snapshot, ids = world_snapshot
    snapshot.restore()
    settings.STIPLAN_JOBS_SYNC = False
    return ids


def url_of(name: str, pattern: str, params: tuple[str, ...], ids: dict) -> str:
    """The route's address, its parameters filled from the world by what the route serves."""
    if name == "admin":
        return "/admin/"
    kinds = [("^registry/tasks/", "task_code"), ("^registry/organisations/", "organisation_code"),
             ("^registry/ip-assets/", "ip_asset"), ("^registry/outputs/", "output"),
             ("registry/tasks/", "task"), ("registry/organisations/", "organisation"),
             ("registry/people/", "person"), ("registry/councils/", "council"), ("drafts/", "draft"),
             ("registry/files/imports/", "import_job"),
             ("registry/competitions/", "competition"),
             ("registry/labs/", "lab"), ("registry/offers/", "offer"), ("registry/demands/", "demand"),
             ("evidence/", "evidence"),
             ("reports/", "report"), ("rounds/", "round"),
             ("documents/", "document"), ("memberships/", "membership"), ("audit/", "audit"),
             ("units/", "unit"), ("plans/", "plan"), ("indicators/", "indicator")]
    serves = next((kind for prefix, kind in kinds if prefix in pattern), None)
    fill = {"fmt": {"plan-export": "json", "indicator-download": "csv", "document-file": "docx",
                    "api-document-file": "xlsx", "dataset-file": "xlsx"}.get(name),
            "slug": "tasks",
            "action_code": ids["action"], "kind": "annual", "layout": "default",
            "object_type": "reporting.unitreport", "object_id": ids["report"],
            "uidb64": "MQ", "token": "set-password",
            "year": 2025, "province": "VLG", "value_id": ids["index_value"], "version": 2}
    kwargs = {p: fill[p] if p in fill else ids[serves] for p in params}
    return reverse(name, kwargs=kwargs)


def _served(response) -> bool:
    """Served: a 2xx, or a redirect anywhere but a login page."""
    if response.status_code < 300:
        return True
    if response.status_code < 400:
        return "login" not in response.get("Location", "")
    return False


def matrix_problems(role: str, client, world: dict, routes: dict, rules: dict) -> tuple[int, list]:
    """Try each route × method × unit as `role`; the problems found, and how many requests."""
    user = None if role == "visitor" else get_user_model().objects.get(username=ACCOUNTS[role])
    problems, tried = [], 0
    for name, (pattern, params) in sorted(routes.items()):
        urls = {side: url_of(name, pattern, params, world[side]) for side in ("own", "other")}
        sides = ["own"] if urls["own"] == urls["other"] else ["own", "other"]
        for method, rule in rules[name].items():
            for side in sides:
                client.logout()
                if user is not None:
                    client.force_login(user)
                allowed = role in rule[side]
                entries = AuditEntry.objects.count()
                response = getattr(client, method.lower())(urls[side])
                tried += 1
                served, code = _served(response), response.status_code
                where = f"{method} {urls[side]} ({name}, {side} unit) as {role}: {code}"
                if code >= 500:
                    problems.append(f"server error: {where}")
                elif served and not allowed and (method, name, role) not in OPEN_FINDINGS:
                    problems.append(f"unexpected allow: {where}")
                elif not served and (method, name, role) in OPEN_FINDINGS:
                    problems.append(f"an open finding is refused now, delete it: {where}")
                elif not served and allowed and method == "GET" and name not in REFUSAL_ONLY:
                    problems.append(f"unexpected refusal: {where}")
                if not allowed and AuditEntry.objects.count() != entries:
                    problems.append(f"a refused request changed data: {where}")
    return tried, problems


@pytest.mark.parametrize("role", ROLES)
def test_role_route_matrix(role, world, client, capsys):
    routes = resolver_routes()
    tried, problems = matrix_problems(role, client, world, routes, RULES)
    with capsys.disabled():
        print(f"\nroute matrix {role}: {len(routes)} routes, {tried} requests (route × method × unit), "
              f"{len(problems)} problems")
    assert problems == [], "\n".join(problems)


def test_an_unexpected_allow_is_caught(world, client):
    """The matrix can fail: were the plan list and the own report for nobody, both are reported."""
    routes = {name: route for name, route in resolver_routes().items()
              if name in ("plan-list", "report-detail")}
    rules = {"plan-list": {"GET": same(NOBODY)}, "report-detail": {"GET": unit_scoped(NOBODY, NOBODY)}}
    _tried, problems = matrix_problems("reporter", client, world, routes, rules)
    assert [p.split(" as ")[0] for p in problems] == [
        "unexpected allow: GET /plans/ (plan-list, own unit)",
        f"unexpected allow: GET /reporting/reports/{world['own']['report']}/ (report-detail, own unit)"]
