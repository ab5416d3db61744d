"""schemathesis against the live API schema (/api/v1/schema/), through the WSGI application, as a
visitor and as each staff role signed in by token: no server error, every response (status code,
content type, body) as the schema documents it.

Examples are bounded (EXAMPLES per operation and generation mode, derandomized, no shrinking) so a
run stays within a few minutes per database. Path parameters come from generation and, half the
time, from the demo world's real ids (own unit's report, a round, a document, a registered task
…), so the bodies of real objects are checked too. Jobs are not run (a queued document stays queued)."""

from __future__ import annotations

import pytest
import schemathesis
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from stiplan.core.models import AuditEntry
from stiplan.demo.registry import create_demo_registry
from stiplan.documents.actions import request_document
from stiplan.orgs.models import Membership
from stiplan.registry.models import IPAsset, Task, TechnologyOffer
from stiplan.reporting.models import Round
from tests.api.conftest import ROLES, auth_headers
from tests.conftest import standing_transaction

EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 4}
#: Invalid input is tried as the roles that get past permission to validation: the administrator
#: (everything) and the reporter (the own unit's report); the others would mostly meet a 403.
NEGATIVE_ROLES = {"admin", "reporter"}


def _failed_precondition(response, case) -> bool:
    """A made-up If-Match refused as a failed precondition (412, documented): the object's state,
    like a conflict (409), and answered before the body is read (RFC 9110 §13.2.2), so it says
    nothing of whether the body was valid data."""
    return response.status_code == 412 and "If-Match" in (case.headers or {})


def accepts_positive_data(ctx, response, case):
    """positive_data_acceptance, except on a failed precondition."""
    return None if _failed_precondition(response, case) else positive_data_acceptance(ctx, response, case)


def rejects_negative_data(ctx, response, case):
    """negative_data_rejection, except on a failed precondition (schemathesis does not count a 412
    among the refusals of invalid data)."""
    return None if _failed_precondition(response, case) else negative_data_rejection(ctx, response, case)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, rejects_negative_data, accepts_positive_data]
#: Operations where a schema-valid request can still be refused for what a schema cannot say,
#: so positive_data_acceptance is not asked of them (their refusals are tested elsewhere).
POSITIVE_EXEMPT = {
    "POST /api/v1/reports/{id}/upload/": "any bytes match 'binary', few are a valid workbook (400)",
    "POST /api/v1/reports/{id}/submit/": "an incomplete report is refused with its findings (422)",
    "POST /api/v1/registry/tasks/": "the rows it names by code must exist and its own code be new; "
                                    "a title like a task's needs not_a_duplicate (400)",
    "POST /api/v1/registry/tasks/{code}/move/": "a step the task's state or record does not allow "
                                                "is refused, naming it (400)",
    "POST /api/v1/registry/offers/": "the owner, field and task it names by code must exist (400)",
    "POST /api/v1/registry/offers/{id}/status/": "a status the offer cannot move to from its own "
                                                 "is refused (400)",
}


def _settings(mode: GenerationMode) -> settings:
    return settings(max_examples=EXAMPLES[mode], deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


@pytest.fixture
def schema(wsgi_app):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app)


@pytest.fixture(scope="module")
def real_ids(request, django_db_setup, django_db_blocker, demo_rounds_snapshot) -> dict[str, str]:
    """The demo rounds (from the session's snapshot) and one queued document, put in once for the
    module (tests/conftest.py `standing_transaction`); ids of real objects for path parameters."""
    with standing_transaction(request, django_db_blocker):
        with django_db_blocker.unblock():
            demo_rounds_snapshot.restore()
            with override_settings(STIPLAN_JOBS_SYNC=False):
                annual = Round.objects.get(year=2025, kind="annual")
                document = request_document(annual, formats=["xlsx"], by=None)
            create_demo_registry(tasks=14)
            task = Task.objects.filter(state="registered").order_by("pk").first()
            ids = {"id": str(annual.reports.get(unit__code="VL25.STC").pk), "code": "VL25.STC",
                   "round": str(annual.pk), "document": str(document.pk),
                   "plan": annual.plan.code,
                   "membership": str(Membership.objects.filter(unit__code="VL25.STC").first().pk),
                   "audit": str(AuditEntry.objects.filter(unit__code="VL25.STC").first().pk),
                   "fmt": "xlsx", "task": task.code, "organisation": task.host.code,
                   "ip_asset": str(IPAsset.objects.order_by("pk").first().pk),
                   "output": str(task.outputs.order_by("pk").first().pk),
                   "offer": str(TechnologyOffer.objects.filter(status="published")
                                .order_by("pk").first().pk)}
        yield ids


#: Which real id fills the path parameter of an operation, by the resource it serves.
RESOURCES = {"/rounds/": "round", "/documents/": "document", "/plans/": "plan",
             "/memberships/": "membership", "/units/": "code", "/audit/": "audit", "/reports/": "id",
             "/registry/tasks/": "task", "/registry/organisations/": "organisation",
             "/registry/ip-assets/": "ip_asset", "/registry/outputs/": "output",
             "/registry/offers/": "offer"}


def _known(operation, ids: dict[str, str]) -> dict[str, str]:
    resource = next((key for prefix, key in RESOURCES.items() if prefix in operation.path), "id")
    return {p.name: ids["fmt"] if p.name == "fmt" else ids[resource]
            for p in operation.path_parameters}


def _gist(exc: BaseException) -> str:
    """The failure's code and first explaining line (schemathesis' report is long)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    heads = [i for i, line in enumerate(lines) if line.startswith("- ST")]
    if not heads:
        return " ".join(lines[:2])[:300]
    return "; ".join(f"{lines[i][2:]}: {lines[i + 1][:160]}" for i in heads if i + 1 < len(lines))


def _run(operation, mode: GenerationMode, headers: dict, known: dict) -> list[str]:
    strategy = operation.as_strategy(generation_mode=mode)
    if known and mode is GenerationMode.POSITIVE:
        strategy = st.one_of(strategy, operation.as_strategy(generation_mode=mode,
                                                              path_parameters=known))
    failures: list[str] = []
    checks = [c for c in CHECKS
              if not (c is accepts_positive_data and operation.label in POSITIVE_EXEMPT)]

    @_settings(mode)
    @given(case=strategy)
    def check(case):
        try:
            case.call_and_validate(headers=headers, checks=checks)
        except (Exception, FailureGroup) as exc:  # one check's error, or several
            failures.append(f"{operation.label} [{mode.value}] {_gist(exc)} — e.g. "
                            f"{case.formatted_path} query={case.query} body={case.body!r:.120}")

    try:
        check()
    except Unsatisfiable:  # nothing in this operation can be made invalid (negative mode)
        assert mode is GenerationMode.NEGATIVE, operation.label
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_documented(role, real_ids, schema, tokens, settings, capsys):
    settings.STIPLAN_JOBS_SYNC = False  # a document asked for stays queued
    headers = auth_headers(role, tokens)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        modes = [GenerationMode.POSITIVE, *([GenerationMode.NEGATIVE] if role in NEGATIVE_ROLES else [])]
        for mode in modes:
            failures += _run(operation, mode, headers, _known(operation, real_ids))
    with capsys.disabled():
        print(f"\nschemathesis {role}: {operations} operations × {[m.value for m in modes]}, "
              f"≤{sum(EXAMPLES[m] for m in modes)} examples each, {len(failures)} failures")
    assert operations >= 15
    distinct = {f.split(" — e.g. ")[0]: f for f in failures}
    assert failures == [], "\n".join(sorted(distinct.values()))
