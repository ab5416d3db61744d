"""A task's outputs (kết quả, sản phẩm): a plan officer adds them on the task's page and the plan's
PhD and MSc indicators follow on commit, the indicator page linking the value to the task; a bad
entry is said at its field, in the page's language, and writes nothing (no output, no audit entry,
no value); reporters and visitors may not add; removing an output (with its reason) feeds the
indicator again, and the outputs of a registered task stand."""

import datetime as dt
import random
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from stiplan.core.models import AuditEntry
from stiplan.demo.registry import ROADS, _walk
from stiplan.metrics.models import DataValue, Source
from stiplan.registry.actions import add_output, remove_output
from stiplan.registry.models import IPAsset, Output, Task

pytestmark = pytest.mark.django_db

YEAR = 2025
#: The province the plan's targets are computed for (after the merger of 1/7/2025).
PROVINCE = "VL25.UBND"


def detail(task) -> str:
    return reverse("task-detail", kwargs={"pk": task.pk})


def fed(code: str, year: int = YEAR) -> Decimal:
    """The registry's computed value of `code` for the province and `year` (0 when none)."""
    value = DataValue.objects.filter(indicator__code=code, source=Source.COMPUTED,
                                     unit__code=PROVINCE, period=str(year)).first()
    return value.value if value else Decimal(0)


def counts() -> tuple[int, int, int]:
    return Output.objects.count(), AuditEntry.objects.count(), DataValue.objects.count()


def make_public(task) -> Task:
    """The task as if approved and under contract (the lifecycle's road is tested elsewhere)."""
    Task.objects.filter(pk=task.pk).update(state="contracted", public=True)
    return Task.objects.get(pk=task.pk)


def output_form(**overrides) -> dict:
    data = {"form": "output", "output-kind": "trained_phd", "output-title": "Luận án tiến sĩ",
            "output-year": str(YEAR), "output-person": "", "output-ip_asset": ""}
    data.update({f"output-{k}": v for k, v in overrides.items()})
    return data


@pytest.fixture
def task(propose):
    return make_public(propose(code="NV-KQ"))  # started 1/3/2024, open


@pytest.fixture
def officer(users):
    return users["plan_officer"]


def test_an_officer_adds_a_trained_phd_on_the_page_and_the_indicator_counts_it(
        login, task, officer, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        add_output(task, kind="trained_phd", title="Luận án thứ nhất", year=YEAR, person=people[0],
                   by=officer)
    before = fed("phd_supported")
    assert before == 1

    client = login("kehoach")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail(task), output_form(person=str(people[1].pk)))
    assert response.status_code == 302
    output = Output.objects.get(task=task, person=people[1])
    assert (output.kind, output.title, output.year, output.certificate_number) == (
        "trained_phd", "Luận án tiến sĩ", YEAR, "")
    entry = AuditEntry.objects.get(action="registry.add_output", object_id=str(output.pk))
    assert entry.actor == officer
    assert fed("phd_supported") == before + 1
    assert fed("msc_supported") == 0

    page = client.get(detail(task)).content.decode()
    row = re.search(rf'<tr data-testid="output-{output.pk}">(.*?)</tr>', page, re.S).group(1)
    assert "đào tạo tiến sĩ" in row and f"<td>{YEAR}</td>" in row

    html = client.get(reverse("indicator-detail", kwargs={"code": "phd_supported"})).content.decode()
    assert f'href="{detail(task)}"' in html


def test_a_second_msc_of_another_year_feeds_that_year_only(task, officer, people,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        add_output(task, kind="trained_msc", title="Luận văn", year=YEAR - 1, person=people[2],
                   by=officer)
    assert (fed("msc_supported", YEAR - 1), fed("msc_supported", YEAR)) == (1, 0)


@pytest.mark.parametrize("field, overrides, says", [
    ("person", {}, "cần ghi người được đào tạo"),
    ("year", {"year": "2019"}, "nằm ngoài thời gian của nhiệm vụ NV-KQ"),
    ("year", {"year": "hai nghìn"}, "Năm phải là một số"),
    ("title", {"title": "  "}, ""),
    ("kind", {"kind": "poem"}, ""),
    ("person", {"kind": "product", "person": "FIRST"}, "Chỉ kết quả đào tạo"),
    ("ip_asset", {"kind": "publication", "ip_asset": "ASSET"}, "gắn với một tài sản trí tuệ"),
])
def test_a_bad_entry_is_said_at_its_field_and_writes_nothing(
        login, task, people, field, overrides, says, django_capture_on_commit_callbacks):
    asset = IPAsset.objects.create(kind="patent", title="Quy trình chế biến dừa",
                                   filed_on=dt.date(YEAR, 3, 3))
    stand_in = {"FIRST": str(people[0].pk), "ASSET": str(asset.pk)}
    overrides = {k: stand_in.get(v, v) for k, v in overrides.items()}
    client = login("kehoach")
    before = counts()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(detail(task), output_form(**overrides))
    assert response.status_code == 200
    assert counts() == before
    assert callbacks == []
    errors = " ".join(response.context["output_form"].errors[field])
    assert errors and says in errors
    assert errors in response.content.decode().replace("&laquo;", "«").replace("&raquo;", "»")


def test_a_refusal_is_said_in_english_on_the_english_page(login, task):
    client = login("kehoach")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    before = counts()
    response = client.post(detail(task), output_form(year="2019"))
    assert counts() == before
    errors = " ".join(response.context["output_form"].errors["year"])
    assert "outside the years of task NV-KQ" in errors


def test_the_same_person_is_not_trained_twice_through_one_task(task, officer, people):
    add_output(task, kind="trained_phd", title="Luận án", year=YEAR, person=people[0], by=officer)
    with pytest.raises(ValidationError) as refused:
        add_output(task, kind="trained_phd", title="Lần nữa", year=YEAR, person=people[0], by=officer)
    assert list(refused.value.message_dict) == ["person"]
    assert Output.objects.filter(task=task).count() == 1


@pytest.mark.parametrize("who", ["reporter", "visitor"])
def test_a_reporter_or_a_visitor_cannot_add(client, login, task, people, who):
    if who == "reporter":
        client = login("baocao.stc")
    before = counts()
    response = client.post(detail(task), output_form(person=str(people[0].pk)))
    assert counts() == before
    if who == "visitor":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert "Thêm kết quả, sản phẩm" not in client.get(detail(task)).content.decode()
    else:
        assert response.status_code == 403
        assert "Thêm kết quả, sản phẩm" not in client.get(detail(task)).content.decode()


def test_the_action_refuses_a_reporter(task, users, people):
    with pytest.raises(PermissionDenied):
        add_output(task, kind="trained_phd", title="Luận án", year=YEAR, person=people[0],
                   by=users["reporter"])
    assert not Output.objects.exists()


def test_removing_an_output_on_the_page_feeds_the_indicator_again(
        login, task, officer, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        kept = add_output(task, kind="trained_phd", title="Luận án 1", year=YEAR, person=people[0],
                          by=officer)
        gone = add_output(task, kind="trained_phd", title="Luận án 2", year=YEAR, person=people[1],
                          by=officer)
    assert fed("phd_supported") == 2
    client = login("kehoach")
    before = counts()
    no_reason = client.post(detail(task), {"form": "remove_output", "remove-output": gone.pk,
                                           "remove-reason": ""})
    assert no_reason.status_code == 200 and counts() == before
    assert no_reason.context["removal"]["form"].errors["reason"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail(task), {"form": "remove_output", "remove-output": gone.pk,
                                              "remove-reason": "Ghi nhầm nhiệm vụ"})
    assert response.status_code == 302
    assert list(Output.objects.filter(task=task)) == [kept]
    entry = AuditEntry.objects.get(action="registry.remove_output", object_id=str(gone.pk))
    assert (entry.reason, entry.before["title"], entry.after) == ("Ghi nhầm nhiệm vụ", "Luận án 2", None)
    assert fed("phd_supported") == 1


def test_registering_feeds_and_a_registered_tasks_outputs_stand(
        propose, officer, people, django_capture_on_commit_callbacks):
    task = propose(code="NV-DK")
    with django_capture_on_commit_callbacks(execute=True):
        _walk(task, ROADS["registered"], people, random.Random(3), officer)  # a PhD, then register
    output = Output.objects.get(task=task)
    assert fed("phd_supported", output.year) == 1  # the PhD was saved unfed: registering fed it
    before = counts()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, \
            pytest.raises(ValidationError) as refused:
        remove_output(output, reason="thử", by=officer)
    assert "đã được đăng ký" in " ".join(refused.value.messages)
    assert counts() == before and callbacks == []
