"""The lifecycle of a task under each regime, tried through `move_task`: every step from every
state, against a specification written out here by hand (not read from lifecycle.py), and the
legal road from proposal to applied results walked end to end."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from stiplan.core.models import AuditEntry
from stiplan.registry.actions import Decision, TransitionRefused, move_task, set_regime
from stiplan.registry.lifecycle import STATE_LABELS, lifecycle_of
from stiplan.registry.models import (
    Consensus,
    Council,
    Output,
    Task,
    TaskStep,
)

pytestmark = pytest.mark.django_db

# --- The specification ------------------------------------------------------------------------
#: state → {step: state after}; a step missing from a state's row is refused from that state.
SPEC_2014 = {
    "proposed": {"identify": "identified", "reject_proposal": "rejected"},
    "identified": {"approve_list": "listed", "reject_proposal": "rejected"},
    "listed": {"select": "selected", "not_selected": "rejected"},
    "selected": {"appraise": "appraised"},
    "appraised": {"approve": "approved"},
    "approved": {"contract": "contracted"},
    "contracted": {"inspect": "contracted", "adjust": "contracted", "extend": "contracted",
                   "suspend": "suspended", "terminate": "terminated", "self_assess": "self_assessed"},
    "suspended": {"resume": "contracted", "terminate": "terminated"},
    "terminated": {},
    "self_assessed": {"accept": "accepted", "fail_acceptance": "not_accepted"},
    "accepted": {"register": "registered"},
    "not_accepted": {},
    "registered": {"apply": "applied"},
    "applied": {"follow_up": "applied"},
    "rejected": {},
}
#: Law 93/2025 adds risk acceptance (no liability when the procedures were followed).
SPEC_2025 = {
    **SPEC_2014,
    "contracted": {**SPEC_2014["contracted"], "accept_risk": "risk_accepted"},
    "suspended": {**SPEC_2014["suspended"], "accept_risk": "risk_accepted"},
    "terminated": {"accept_risk": "risk_accepted"},
    "risk_accepted": {},
}
SPEC = {"tt2014": SPEC_2014, "law2025": SPEC_2025}
ALL_STEPS = ["identify", "reject_proposal", "approve_list", "select", "not_selected", "appraise",
             "approve", "contract", "inspect", "adjust", "extend", "suspend", "resume", "terminate",
             "accept_risk", "self_assess", "accept", "fail_acceptance", "register", "apply", "follow_up"]
#: Public from approval on: proposals and rejected ones stay internal.
PUBLIC = {"approved", "contracted", "suspended", "terminated", "risk_accepted", "self_assessed",
          "accepted", "not_accepted", "registered", "applied"}

CASES = [(regime, state, step) for regime, spec in SPEC.items() for state in spec for step in ALL_STEPS]


def ready_for(task: Task, step: str) -> dict:
    """Give the task what `step` needs besides its state (consensus records, a registered
    output) and return the keyword arguments of the call."""
    if step == "select":
        council = Council.objects.create(kind="selection", name="HĐ tuyển chọn")
        Consensus.objects.create(council=council, task=task, mean_score=80, rank=1,
                                 decided_on=dt.date(2026, 1, 1))
    if step in ("accept", "fail_acceptance"):
        council = Council.objects.create(kind="acceptance", name="HĐ nghiệm thu")
        Consensus.objects.create(council=council, task=task, decided_on=dt.date(2026, 1, 1),
                                 grade="fail" if step == "fail_acceptance" else "good")
    kwargs = {"decision": Decision("15/QĐ-SKHCN", dt.date(2026, 1, 5)), "finding": "Đúng quy trình.",
              "end_date": dt.date(2030, 12, 31)}
    if step == "register":
        output = Output.objects.create(task=task, kind="process", title="Quy trình canh tác")
        kwargs["certificates"] = {output.pk: "20/KQNC-SKHCN"}
    return kwargs


def test_the_specification_names_the_same_states_and_steps_as_the_table():
    """A guard for the parametrization below: no state or step of the table is left untried."""
    for regime, spec in SPEC.items():
        table = lifecycle_of(regime)
        assert set(spec) == set(table.states), regime
        assert set(table.steps) <= set(ALL_STEPS), regime


@pytest.mark.parametrize(("regime", "state", "step"), CASES)
def test_each_step_from_each_state_is_allowed_exactly_as_specified(propose, users, regime, state, step):
    task = propose(regime)
    Task.objects.filter(pk=task.pk).update(state=state)
    kwargs = ready_for(task, step)
    expected = SPEC[regime][state].get(step)
    entries = AuditEntry.objects.count()
    if expected is None:
        with pytest.raises(TransitionRefused) as refused:
            move_task(task, step, by=users["plan_officer"], **kwargs)
        message = " ".join(refused.value.messages)
        assert task.code in message
        if step in lifecycle_of(regime).steps:
            assert f"«{STATE_LABELS[state]}»" in message
            assert f"«{lifecycle_of(regime).steps[step].label}»" in message
        else:
            assert "không có trong quy trình" in message and step in message
        task.refresh_from_db()
        assert task.state == state
        assert AuditEntry.objects.count() == entries and not task.steps.exists()
        return
    made = move_task(task, step, by=users["plan_officer"], **kwargs)
    task.refresh_from_db()
    assert (task.state, made.from_state, made.to_state) == (expected, state, expected)
    assert task.public == (expected in PUBLIC)
    entry = AuditEntry.objects.get(action=f"registry.{step}")
    assert entry.actor == users["plan_officer"] and entry.after["state"] == expected
    assert made.decision_number == "15/QĐ-SKHCN" and made.by == users["plan_officer"]


def test_a_refusal_names_the_state_and_the_step_in_vietnamese_and_in_english(propose, users):
    task = propose("tt2014", code="NV-MSG")
    contract = Decision("1/HĐ", dt.date(2026, 1, 1))
    with pytest.raises(TransitionRefused) as refused:
        move_task(task, "contract", by=users["plan_officer"], decision=contract)
    assert refused.value.messages[0].startswith(
        "Nhiệm vụ NV-MSG đang ở trạng thái «đề xuất đặt hàng»: không thể thực hiện bước «ký hợp đồng».")
    with translation.override("en"), pytest.raises(TransitionRefused) as refused:
        move_task(task, "contract", by=users["plan_officer"], decision=contract)
    assert refused.value.messages[0].startswith(
        "Task NV-MSG is in the state «proposal for ordering»: the step «contract signing» cannot be taken.")


def test_risk_acceptance_does_not_exist_under_the_2014_circulars(propose, users):
    task = propose("tt2014", code="NV-RISK")
    Task.objects.filter(pk=task.pk).update(state="contracted")
    with pytest.raises(TransitionRefused, match="accept_risk"):
        move_task(task, "accept_risk", by=users["plan_officer"], finding="x",
                     decision=Decision("2/QĐ", dt.date(2026, 1, 1)))


@pytest.mark.parametrize(("step", "missing", "says"), [
    ("approve_list", {"decision": Decision()}, "cần số và ngày của văn bản"),
    ("extend", {"end_date": None}, "ngày kết thúc mới"),
    ("accept_risk", {"finding": "  "}, "cần kết luận"),
])
def test_a_step_without_its_document_is_refused_and_nothing_is_saved(propose, users, step, missing, says):
    task = propose("law2025", code="NV-DOC", end_date=dt.date(2027, 1, 1))
    state = next(s for s, row in SPEC_2025.items() if step in row)
    Task.objects.filter(pk=task.pk).update(state=state)
    kwargs = {**ready_for(task, step), **missing}
    with pytest.raises(TransitionRefused, match=says):
        move_task(task, step, by=users["plan_officer"], **kwargs)
    task.refresh_from_db()
    assert task.state == state and not TaskStep.objects.filter(task=task).exists()


def test_selection_needs_the_councils_scores_and_acceptance_its_grade(propose, users):
    task = propose("tt2014", code="NV-NEEDS")
    Task.objects.filter(pk=task.pk).update(state="listed")
    with pytest.raises(TransitionRefused, match="hội đồng tuyển chọn"):
        move_task(task, "select", by=users["plan_officer"])
    Task.objects.filter(pk=task.pk).update(state="self_assessed")
    decision = Decision("3/QĐ", dt.date(2026, 1, 1))
    with pytest.raises(TransitionRefused, match="đạt trở lên"):
        move_task(task, "accept", by=users["plan_officer"], decision=decision)
    Task.objects.filter(pk=task.pk).update(state="accepted")
    with pytest.raises(TransitionRefused, match="chưa có kết quả nào"):
        move_task(task, "register", by=users["plan_officer"])
    elsewhere = Output.objects.create(task=propose(code="NV-OTHER"), kind="model", title="Mô hình khác")
    with pytest.raises(TransitionRefused, match="không thuộc nhiệm vụ NV-NEEDS"):
        move_task(task, "register", by=users["plan_officer"], certificates={elsewhere.pk: "1/KQNC"})
    Output.objects.create(task=task, kind="product", title="Giống lúa OM-VL1")
    with pytest.raises(TransitionRefused, match="Giống lúa OM-VL1"):
        move_task(task, "register", by=users["plan_officer"])
    assert Output.objects.get(pk=elsewhere.pk).certificate_number == ""


@pytest.mark.parametrize("role", ["public", "reporter", "leader", "reviewer"])
def test_only_the_department_moves_a_task(propose, users, role):
    task = propose("tt2014", code="NV-ROLE")
    with pytest.raises(PermissionDenied):
        move_task(task, "identify", by=users[role])
    task.refresh_from_db()
    assert task.state == "proposed"


def test_the_regime_follows_the_start_date_and_an_override_needs_a_reason(propose, users):
    assert propose("tt2014", code="NV-OLD").regime == "tt2014"
    assert propose("law2025", code="NV-NEW").regime == "law2025"
    assert propose(code="NV-EDGE", start_date=dt.date(2025, 9, 30)).regime == "tt2014"
    assert propose(code="NV-EDGE2", start_date=dt.date(2025, 10, 1)).regime == "law2025"
    with pytest.raises(ValidationError, match="cần ghi lý do"):
        propose(code="NV-X", start_date=dt.date(2025, 11, 1), regime="tt2014")
    task = propose(code="NV-Y", start_date=dt.date(2025, 11, 1), regime="tt2014",
                   regime_reason="Hồ sơ đã nộp theo TT 08/2017 trước ngày Luật có hiệu lực")
    assert task.regime == "tt2014" and task.regime_reason
    set_regime(task, "law2025", reason="Trở về chế độ theo ngày bắt đầu", by=users["plan_officer"])
    task.refresh_from_db()
    assert (task.regime, task.regime_reason) == ("law2025", "")
    assert AuditEntry.objects.filter(action="registry.set_regime", object_id=str(task.pk)).exists()


def test_a_risk_accepted_task_cannot_go_back_to_the_2014_regime(propose, users):
    task = propose("law2025", code="NV-BACK")
    Task.objects.filter(pk=task.pk).update(state="risk_accepted")
    with pytest.raises(ValidationError, match="không có trong chế độ"):
        set_regime(task, "tt2014", reason="thử", by=users["plan_officer"])
