"""Councils: members, conflict declarations that keep a member from scoring, complete scoring
sheets within each criterion's maximum, the ranking of competing proposals with its tie rule,
grades of acceptance; and the road of a task from proposal to applied results under each regime,
with the councils doing their part."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from stiplan.core.models import AuditEntry
from stiplan.registry.actions import (
    Decision,
    add_council_member,
    create_council,
    declare_conflict,
    enter_scores,
    move_task,
    rank_council,
    record_conclusion,
    report_application,
)
from stiplan.registry.models import Consensus, Output, Score, Task

pytestmark = pytest.mark.django_db

#: A selection sheet in the council's order of priority (the tie rule reads this order).
CRITERIA = [{"code": "C1", "name": "Tính cấp thiết, mục tiêu", "max": 30},
            {"code": "C2", "name": "Nội dung và phương pháp", "max": 40},
            {"code": "C3", "name": "Năng lực tổ chức chủ trì", "max": 30}]


@pytest.fixture
def officer(users):
    return users["plan_officer"]


@pytest.fixture
def selection(propose, people, officer):
    """A selection council of three members for two competing proposals A and B."""
    a, b = propose(code="HS-A"), propose(code="HS-B")
    Task.objects.filter(pk__in=[a.pk, b.pk]).update(state="listed")
    council = create_council("selection", "Hội đồng tuyển chọn 01/2024", tasks=[a, b], by=officer,
                                criteria=CRITERIA, decision_number="12/QĐ-SKHCN",
                                decision_date=dt.date(2024, 4, 1), meets_on=dt.date(2024, 4, 10))
    members = [add_council_member(council, p, role, by=officer)
               for p, role in zip(people[:3], ["chair", "reviewer", "member"], strict=True)]
    return council, members, a, b


def test_a_member_who_declared_a_conflict_cannot_score_and_their_sheet_is_withdrawn(selection, officer):
    council, (chair, reviewer, member), a, _b = selection
    enter_scores(member, a, {"C1": 20, "C2": 30, "C3": 20}, by=officer)
    declare_conflict(member, a, reason="Là đồng tác giả với chủ nhiệm đề xuất", by=officer)
    assert not Score.objects.filter(member=member, task=a).exists()
    with pytest.raises(ValidationError) as refused:
        enter_scores(member, a, {"C1": 25, "C2": 35, "C3": 25}, by=officer)
    assert refused.value.messages == [
        "Lê Văn Cường đã khai xung đột lợi ích với nhiệm vụ HS-A nên không được chấm điểm."]
    assert not Score.objects.filter(member=member, task=a).exists()
    entry = AuditEntry.objects.get(action="registry.declare_conflict")
    assert len(entry.after["withdrawn_scores"]) == 3


@pytest.mark.parametrize(("sheet", "says"), [
    ({"C1": 20, "C2": 30}, "thiếu: C3"),
    ({"C1": 20, "C2": 30, "C3": 20, "C9": 1}, "lạ: C9"),
    ({"C1": 31, "C2": 30, "C3": 20}, "Tiêu chí C1: điểm «31» phải từ 0 đến 30"),
    ({"C1": 20, "C2": "abc", "C3": 20}, "Tiêu chí C2"),
    ({"C1": -1, "C2": 30, "C3": 20}, "Tiêu chí C1"),
])
def test_a_scoring_sheet_must_be_complete_and_within_each_maximum(selection, officer, sheet, says):
    _council, (chair, *_rest), a, _b = selection
    with pytest.raises(ValidationError, match=says):
        enter_scores(chair, a, sheet, by=officer)
    assert not Score.objects.exists()


def test_scores_are_entered_only_by_the_department(selection, users):
    _council, (chair, *_rest), a, _b = selection
    for role in ("public", "reporter", "leader", "reviewer"):
        with pytest.raises(PermissionDenied):
            enter_scores(chair, a, {"C1": 1, "C2": 1, "C3": 1}, by=users[role])


def test_proposals_rank_by_mean_total_then_by_the_first_criterion(selection, officer, propose):
    council, (chair, reviewer, member), a, b = selection
    # A: totals 80 and 70 → mean 75; B: 75 and 75 → mean 75, a tie on totals.
    enter_scores(chair, a, {"C1": 30, "C2": 30, "C3": 20}, by=officer)
    enter_scores(reviewer, a, {"C1": 20, "C2": 30, "C3": 20}, by=officer)
    enter_scores(chair, b, {"C1": 20, "C2": 35, "C3": 20}, by=officer)
    enter_scores(reviewer, b, {"C1": 20, "C2": 35, "C3": 20}, by=officer)
    # The third member scores neither (conflict with A; absent for B): no sheet, no weight.
    declare_conflict(member, a, reason="Cùng cơ quan", by=officer)
    ranking = {c.task.code: (c.rank, c.mean_score) for c in rank_council(council, by=officer)}
    # Tie on 75: C1 means are A 25, B 20 → A first.
    assert ranking == {"HS-A": (1, Decimal("75.00")), "HS-B": (2, Decimal("75.00"))}


def test_proposals_equal_on_every_criterion_share_their_rank(selection, officer):
    council, (chair, reviewer, _member), a, b = selection
    enter_scores(chair, a, {"C1": 20, "C2": 30, "C3": 20}, by=officer)
    enter_scores(chair, b, {"C1": 20, "C2": 30, "C3": 20}, by=officer)
    rank_council(council, by=officer)
    assert sorted(Consensus.objects.values_list("task__code", "rank")) == [("HS-A", 1), ("HS-B", 1)]


def test_an_acceptance_council_must_grade_and_others_may_not(selection, officer, propose):
    council, _members, a, _b = selection
    with pytest.raises(ValidationError, match="Chỉ hội đồng nghiệm thu"):
        record_conclusion(council, a, grade="good", conclusion="x", by=officer)
    acceptance = create_council("acceptance", "HĐ nghiệm thu", tasks=[a], by=officer)
    with pytest.raises(ValidationError, match="cần xếp loại"):
        record_conclusion(acceptance, a, conclusion="Đạt yêu cầu", by=officer)


def test_criteria_need_their_own_code_and_a_positive_maximum(officer):
    with pytest.raises(ValidationError, match="Tiêu chí thứ 2"):
        create_council("selection", "HĐ", tasks=[], by=officer,
                          criteria=[{"code": "C1", "max": 10}, {"code": "C1", "max": 5}])


# --- The legal road, walked end to end --------------------------------------------------------

def _decision(n: int) -> Decision:
    return Decision(f"{n}/QĐ-SKHCN", dt.date(2026, 1, n))


@pytest.mark.parametrize("regime", ["tt2014", "law2025"])
def test_a_task_goes_from_proposal_to_yearly_follow_up_of_its_results(propose, people, officer, regime):
    task, rival = propose(regime, code="NV-ROAD"), propose(regime, code="NV-RIVAL")
    walk = []

    def step(which, target=None, **kw):
        made = move_task(target or task, which, by=officer, **kw)
        walk.append((made.step, made.to_state))

    identification = create_council("identification", "HĐ xác định", tasks=[task, rival], by=officer)
    record_conclusion(identification, task, conclusion="Đề nghị đặt hàng", by=officer)
    for t in (task, rival):
        step("identify", t)
        step("approve_list", t, decision=_decision(2))
    walk.clear()
    council = create_council("selection", "HĐ tuyển chọn", tasks=[task, rival], by=officer,
                                criteria=CRITERIA)
    members = [add_council_member(council, p, "member", by=officer) for p in people[:3]]
    declare_conflict(members[2], task, reason="Người hướng dẫn của chủ nhiệm", by=officer)
    for m in members[:2]:
        enter_scores(m, task, {"C1": 25, "C2": 35, "C3": 25}, by=officer)
        enter_scores(m, rival, {"C1": 20, "C2": 30, "C3": 20}, by=officer)
    enter_scores(members[2], rival, {"C1": 30, "C2": 40, "C3": 30}, by=officer)
    ranks = {c.task.code: c.rank for c in rank_council(council, by=officer)}
    assert ranks == {"NV-ROAD": 1, "NV-RIVAL": 2}  # 85 against (70 + 70 + 100) / 3 = 80
    step("select")
    step("not_selected", rival)
    step("appraise")
    step("approve", decision=_decision(3))
    task.refresh_from_db()
    assert task.public
    step("contract", decision=_decision(4))
    step("inspect", note="Đúng tiến độ")
    step("extend", decision=_decision(5), end_date=dt.date(2028, 6, 30))
    step("self_assess")
    acceptance = create_council("acceptance", "HĐ nghiệm thu", tasks=[task], by=officer)
    record_conclusion(acceptance, task, grade="excellent", conclusion="Xuất sắc", by=officer)
    step("accept", decision=_decision(6))
    phd = Output.objects.create(task=task, kind="trained_phd", title="Luận án tiến sĩ", person=people[3])
    step("register", certificates={phd.pk: "20/KQNC-SKHCN"})
    report_application(task, 2027, applied=True, where="Huyện Trà Ôn, 50 ha", by=officer)
    report_application(task, 2028, applied=True, where="Toàn tỉnh, 300 ha", by=officer)
    with pytest.raises(ValidationError, match="năm 2028"):
        report_application(task, 2028, applied=True, by=officer)

    assert walk == [("select", "selected"), ("not_selected", "rejected"), ("appraise", "appraised"),
                    ("approve", "approved"), ("contract", "contracted"), ("inspect", "contracted"),
                    ("extend", "contracted"), ("self_assess", "self_assessed"), ("accept", "accepted"),
                    ("register", "registered")]
    task.refresh_from_db()
    phd.refresh_from_db()
    assert (task.state, task.end_date, phd.certificate_number) == ("applied", dt.date(2028, 6, 30),
                                                                    "20/KQNC-SKHCN")
    assert list(task.steps.values_list("step", flat=True))[-2:] == ["apply", "follow_up"]
    assert list(task.applications.values_list("year", flat=True)) == [2027, 2028]
