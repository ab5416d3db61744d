"""The registry's pages: the task list and a task's page show a visitor the public tasks only and
never a person's private data, a council member or a score; the search ignores accents; a plan
officer proposes a task through the form and moves it a step; a refused step is said at the form,
in the page's language, and writes nothing; those who may not move a task are refused."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse

from stiplan.core.models import AuditEntry
from stiplan.demo.registry import CRITERIA
from stiplan.registry.actions import (
    add_council_member,
    create_council,
    declare_conflict,
    enter_scores,
    rank_council,
    record_conclusion,
)
from stiplan.registry.models import Organisation, Person, ScienceField, Task, TaskMember, TaskStep
from tests.registry.private import MARKER, SECRETS, plant_private_marker

pytestmark = pytest.mark.django_db

LIST = reverse("task-list")
PROPOSE = reverse("task-propose")

SECRET_SCORE = "17.37"  # a score no sheet of the demo gives (its scores are whole numbers)


def detail(task) -> str:
    return reverse("task-detail", kwargs={"pk": task.pk})


def codes_on(html: str) -> set[str]:
    """The task codes the page links to (the first column of the list)."""
    return set(re.findall(r'href="/registry/tasks/\d+/">([^<]+)</a>', html))


def make_public(task) -> Task:
    """The task as if approved and under contract (the lifecycle's own road is tested elsewhere)."""
    Task.objects.filter(pk=task.pk).update(state="contracted", public=True)
    return Task.objects.get(pk=task.pk)


@pytest.fixture
def demo_registry(demo_registry, users):
    """The demo registry (every level, kind, regime and state), and on one public task a council
    whose members are named with the marker, one of them with a conflict, with secret scores and
    a marked conclusion; every person's private fields hold the marker too."""
    officer = users["plan_officer"]
    public = Task.objects.filter(public=True).order_by("pk").first()
    council = create_council("selection", "Hội đồng tuyển chọn bí mật", tasks=[public],
                             criteria=CRITERIA, by=officer)
    reviewers = [add_council_member(council, Person.objects.create(full_name=f"{MARKER} Reviewer {n}"),
                                    "reviewer", by=officer) for n in (1, 2)]
    enter_scores(reviewers[0], public, {"C1": SECRET_SCORE, "C2": "31", "C3": "22"}, by=officer)
    declare_conflict(reviewers[1], public, reason=f"{MARKER} conflict", by=officer)
    rank_council(council, by=officer)
    acceptance = create_council("acceptance", "Hội đồng nghiệm thu", tasks=[public], by=officer)
    record_conclusion(acceptance, public, grade="good", conclusion=f"{MARKER} conclusion", by=officer)
    plant_private_marker()
    return public


def assert_nothing_private(html: str) -> None:
    for secret in (*SECRETS, SECRET_SCORE, SECRET_SCORE.replace(".", ",")):
        assert secret not in html


# --- What a visitor sees ---------------------------------------------------------------------

def test_a_visitor_lists_exactly_the_public_tasks(client, demo_registry):
    page = client.get(LIST)
    assert page.status_code == 200
    public = set(Task.objects.filter(public=True).values_list("code", flat=True))
    hidden = set(Task.objects.filter(public=False).values_list("code", flat=True))
    assert public and hidden  # the demo has both
    assert codes_on(page.content.decode()) == public


def test_staff_list_every_task(login, demo_registry):
    page = login("kehoach").get(LIST)
    assert codes_on(page.content.decode()) == set(Task.objects.values_list("code", flat=True))


def test_no_private_field_council_member_or_score_reaches_a_visitor(client, demo_registry):
    pages = {LIST: client.get(LIST)}
    for task in Task.objects.filter(public=True):
        pages[detail(task)] = client.get(detail(task))
    assert all(r.status_code == 200 for r in pages.values())
    for html in (r.content.decode() for r in pages.values()):
        assert_nothing_private(html)
    # the pages do show people: the principal investigator, by name only
    shown = pages[detail(demo_registry)].content.decode()
    principal = TaskMember.objects.filter(task=demo_registry, role="principal").get().person
    assert principal.full_name in shown


def test_a_proposal_or_rejected_task_is_not_found_by_a_visitor(client, demo_registry):
    for task in Task.objects.filter(state__in=["proposed", "rejected"]):
        assert client.get(detail(task)).status_code == 404


def test_a_visitor_does_not_see_the_steps_or_the_step_form(client, demo_registry):
    """Steps are the Department's and leaders' to read (core/permissions.py): a public task's page
    shows its state and timeline, not its step records."""
    html = client.get(detail(demo_registry)).content.decode()
    number = TaskStep.objects.filter(task=demo_registry).exclude(decision_number="").first().decision_number
    assert number not in html
    assert 'name="step"' not in html


# --- Search ----------------------------------------------------------------------------------

def test_the_search_finds_accented_titles_from_words_typed_without_accents(client, propose):
    rice = make_public(propose(code="NV-LUA", title="Nghiên cứu chọn tạo giống lúa chịu mặn"))
    make_public(propose(code="NV-LUAT", title="Nghiên cứu phổ biến luật đất đai"))
    make_public(propose(code="NV-GAO", title="Chế biến lúa gạo xuất khẩu"))
    found = codes_on(client.get(LIST, {"q": "nghien cuu lua"}).content.decode())
    assert found == {rice.code}


def test_the_search_reads_abbreviations_and_the_filters_narrow_the_list(client, propose, fields):
    make_public(propose(code="NV-KHCN", title="Ứng dụng KH&CN trong nuôi tôm", level="national",
                        field=ScienceField.objects.get(code="4")))
    make_public(propose(code="NV-OTHER", title="Ứng dụng khoa học và công nghệ trong trồng lúa"))
    both = codes_on(client.get(LIST, {"q": "khoa hoc cong nghe"}).content.decode())
    assert both == {"NV-KHCN", "NV-OTHER"}
    assert codes_on(client.get(LIST, {"q": "khcn", "level": "national"}).content.decode()) == {"NV-KHCN"}
    assert codes_on(client.get(LIST, {"field": "4"}).content.decode()) == {"NV-KHCN"}
    assert codes_on(client.get(LIST, {"year": "2030"}).content.decode()) == {"NV-KHCN", "NV-OTHER"}


# --- Proposing and moving a task -------------------------------------------------------------

def proposal_form(**overrides) -> dict:
    host = Organisation.objects.get(code="dh-tra-vinh")
    data = {"code": "NV-FORM-1", "title": "Nghiên cứu quy trình canh tác bưởi an toàn",
            "level": "provincial", "kind": "de_tai", "innovation_subkind": "",
            "mechanism": "commissioning", "selection": "open", "field": "", "host": host.pk,
            "programme": "", "start_date": "01/02/2026", "end_date": "31/01/2028"}
    data.update(overrides)
    return data


def test_a_plan_officer_proposes_a_task_through_the_form_and_moves_it_one_step(login, host):
    client = login("kehoach")
    response = client.post(PROPOSE, proposal_form())
    task = Task.objects.get(code="NV-FORM-1")
    assert response.status_code == 302 and response["Location"] == detail(task)
    assert (task.state, task.regime, task.host, task.start_date, task.end_date) == (
        "proposed", "law2025", host, dt.date(2026, 2, 1), dt.date(2028, 1, 31))
    assert AuditEntry.objects.filter(action="registry.propose_task", object_id=str(task.pk)).exists()

    response = client.post(detail(task), {"step": "identify", "on": "15/02/2026"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == "identified"
    step = TaskStep.objects.get(task=task)
    assert (step.step, step.on, step.by.username) == ("identify", dt.date(2026, 2, 15), "kehoach")
    assert AuditEntry.objects.filter(action="registry.identify", object_id=str(task.pk)).count() == 1


def test_a_step_needing_a_decision_takes_its_number_and_date(login, propose):
    task = propose()
    client = login("kehoach")
    client.post(detail(task), {"step": "identify"})
    client.post(detail(task), {"step": "approve_list", "decision_number": "12/QĐ-UBND",
                               "decision_date": "20/03/2024"})
    step = TaskStep.objects.get(task=task, step="approve_list")
    assert (step.decision_number, step.decision_date) == ("12/QĐ-UBND", dt.date(2024, 3, 20))


def test_proposal_errors_are_shown_at_their_fields_and_nothing_is_written(login, host):
    client = login("kehoach")
    before = (Task.objects.count(), AuditEntry.objects.count())
    bad_day = client.post(PROPOSE, proposal_form(start_date="31/02/2026"))
    no_subkind = client.post(PROPOSE, proposal_form(kind="innovation"))
    backwards = client.post(PROPOSE, proposal_form(end_date="01/01/2026"))
    assert (Task.objects.count(), AuditEntry.objects.count()) == before
    assert error_of(bad_day, "start_date").startswith("Ngày không hợp lệ")
    assert "268/2025" in error_of(no_subkind, "innovation_subkind")
    assert error_of(backwards, "end_date") == "Ngày kết thúc trước ngày bắt đầu."


def error_of(response, field: str) -> str:
    """The error shown at `field` (the form's own rendering of its errors)."""
    assert response.status_code == 200
    return " ".join(str(e) for e in response.context["form"].errors[field])


@pytest.mark.parametrize("language, says", [
    ("vi", "không thể thực hiện bước «phê duyệt danh mục nhiệm vụ»"),
    ("en", "the step «approval of the task list» cannot be taken"),
])
def test_a_refused_step_is_said_at_the_form_in_the_page_language_and_writes_nothing(
        login, propose, language, says):
    task = propose()  # proposed: the list cannot be approved before the identification council
    client = login("kehoach")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    before = (TaskStep.objects.count(), AuditEntry.objects.count())
    response = client.post(detail(task), {"step": "approve_list", "decision_number": "1/QĐ",
                                          "decision_date": "01/03/2024"})
    assert response.status_code == 200
    assert (TaskStep.objects.count(), AuditEntry.objects.count()) == before
    task.refresh_from_db()
    assert task.state == "proposed"
    errors = " ".join(response.context["form"].non_field_errors())
    assert says in errors
    assert says in response.content.decode().replace("&laquo;", "«").replace("&raquo;", "»")


def test_a_step_missing_its_decision_is_refused_with_what_it_needs(login, propose):
    task = propose()
    client = login("kehoach")
    client.post(detail(task), {"step": "identify"})
    before = (TaskStep.objects.count(), AuditEntry.objects.count())
    response = client.post(detail(task), {"step": "approve_list"})
    assert (TaskStep.objects.count(), AuditEntry.objects.count()) == before
    assert "cần số và ngày của văn bản" in " ".join(response.context["form"].non_field_errors())


@pytest.mark.parametrize("who", ["reporter", "visitor", "leader"])
def test_who_may_not_move_a_task_is_refused_and_nothing_is_written(client, login, propose, who):
    task = make_public(propose())
    if who != "visitor":
        client = login({"reporter": "baocao.stc", "leader": "lanhdao"}[who])
    before = (TaskStep.objects.count(), AuditEntry.objects.count())
    response = client.post(detail(task), {"step": "inspect"})
    assert (TaskStep.objects.count(), AuditEntry.objects.count()) == before
    if who == "visitor":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403


def test_a_visitor_cannot_propose_and_a_leader_is_refused(client, login, host):
    response = client.post(PROPOSE, proposal_form())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert login("lanhdao").post(PROPOSE, proposal_form()).status_code == 403
    assert not Task.objects.filter(code="NV-FORM-1").exists()


def test_a_reporter_may_propose_but_then_reads_the_list_not_the_proposal(login, host):
    """Reporting officers may propose tasks (core/permissions.py); a proposal stays the
    Department's to read until it is approved."""
    response = login("baocao.stc").post(PROPOSE, proposal_form())
    assert Task.objects.filter(code="NV-FORM-1", state="proposed").exists()
    assert response.status_code == 302 and response["Location"] == LIST


# --- The duplicate check ---------------------------------------------------------------------

def similar_codes(html: str) -> list[str]:
    return re.findall(r'data-testid="similar-task"><a href="/registry/tasks/\d+/"><span data-content>'
                      r'([^<]+)</span>', html)


def test_checking_a_title_lists_the_like_tasks_best_first_with_their_shared_phrases(login, propose):
    propose(code="NV-LUA", title="Nghiên cứu chọn tạo giống lúa chịu mặn cho vùng ven biển")
    propose(code="NV-BUOI", title="Xây dựng quy trình canh tác bưởi da xanh an toàn")
    client = login("kehoach")
    # the words reordered, accents dropped, one word changed: the rice task first, the other far
    typed = proposal_form(title="chon tao giong lua chiu man: nghien cuu cho ven bien", code="")
    page = client.post(PROPOSE, {**typed, "check": "1"}).content.decode()
    assert similar_codes(page)[0] == "NV-LUA" and "NV-BUOI" not in similar_codes(page)
    assert "<mark data-content>" in page
    assert 'class="field-error"' not in page  # the check does not judge the unfinished form
    assert Task.objects.count() == 2


def test_a_near_duplicate_is_proposed_only_once_its_proposer_confirms_it_is_not_one(login, propose):
    propose(code="NV-LUA", title="Nghiên cứu chọn tạo giống lúa chịu mặn cho vùng ven biển")
    client = login("kehoach")
    near = proposal_form(code="NV-LUA-2", title="Nghiên cứu chọn tạo giống lúa chịu mặn vùng ven biển")
    audit = AuditEntry.objects.count()
    page = client.post(PROPOSE, near).content.decode()
    assert not Task.objects.filter(code="NV-LUA-2").exists() and AuditEntry.objects.count() == audit
    assert "NV-LUA" in similar_codes(page) and 'id="id_not_a_duplicate"' in page
    assert re.search(r'class="field-error"[^>]*>[^<]*rất giống', page)
    response = client.post(PROPOSE, {**near, "not_a_duplicate": "on"})
    assert response.status_code == 302 and Task.objects.filter(code="NV-LUA-2").exists()


def test_an_unlike_title_is_proposed_without_a_question(login, propose):
    propose(code="NV-LUA", title="Nghiên cứu chọn tạo giống lúa chịu mặn cho vùng ven biển")
    response = login("kehoach").post(PROPOSE, proposal_form())
    assert response.status_code == 302 and Task.objects.filter(code="NV-FORM-1").exists()


def test_the_check_shows_a_reporter_no_proposal_they_may_not_read(login, propose):
    """Another unit's reporting officer learns nothing of the Department's proposals through the
    duplicate check: only tasks they may read are compared, and a hidden one is not named."""
    hidden = propose(code="NV-AN", title="Nghiên cứu chọn tạo giống lúa chịu mặn cho vùng ven biển")
    assert not Task.objects.restrict(login("baocao.stc").get(PROPOSE).wsgi_request.user).filter(
        pk=hidden.pk).exists()
    typed = proposal_form(code="", title="Nghiên cứu chọn tạo giống lúa chịu mặn vùng ven biển")
    page = login("baocao.stc").post(PROPOSE, {**typed, "check": "1"}).content.decode()
    assert 'data-testid="similar"' in page and similar_codes(page) == []
    assert "NV-AN" not in page and "ven biển</span>" not in page
    response = login("baocao.stc").post(PROPOSE, {**typed, "code": "NV-BC-1"})
    assert response.status_code == 302  # nothing similar it may read, so no question either


def test_a_form_the_page_does_not_have_is_refused_with_a_message_and_writes_nothing(login, propose):
    task = make_public(propose())
    client = login("kehoach")
    before = (TaskStep.objects.count(), AuditEntry.objects.count())
    response = client.post(detail(task), {"form": "nope"}, follow=True)
    assert response.redirect_chain == [(detail(task), 302)]
    assert "Không rõ biểu mẫu nào được gửi." in response.content.decode()
    assert (TaskStep.objects.count(), AuditEntry.objects.count()) == before
