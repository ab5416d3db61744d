"""The plan's indicators fed by the registry: from a small registry built through the actions,
the values written equal the counts this test derives from the rows it made; only the plan's
indicators are written, as final computed values of the province with their provenance; a
rerun on the same data writes nothing, a changed count is updated with before and after; the
indicator page links each value to its tasks, and a visitor sees the public ones only, the
others counted, never named."""

import datetime as dt
import json
import random
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from stiplan.core.actions import save_object
from stiplan.core.models import AuditEntry
from stiplan.demo.registry import ROADS, _walk
from stiplan.metrics.models import DataValue, Source
from stiplan.orgs.models import OrgUnit
from stiplan.registry.actions import feed_indicators, move_task, report_application
from stiplan.registry.models import IPAsset, Organisation, Output, Person, Task

pytestmark = pytest.mark.django_db

YEAR = 2025
#: Planted in the code and title of the task that is not public: it must reach no visitor.
MARKER = "ZZHIDDEN"
#: The province the plan's targets are computed for today (after the merger of 1/7/2025).
PROVINCE = "VL25.UBND"


def resource(by, model, **values):
    return save_object(model(**values), by=by, perm="registry.manage_resources")


@pytest.fixture
def world(users, people, propose, fields):
    """Tasks at several points of their life, outputs (trained PhDs and MScs), application
    reports, enterprises and IP assets; `expected` lists what was made, for the test to count."""
    officer = users["plan_officer"]
    rnd = random.Random(7)

    def accepted(code, **overrides):  # proposed, then walked through the lifecycle to acceptance
        task = propose(code=code, **overrides)
        _walk(task, ROADS["accepted"], people, rnd, officer)
        return Task.objects.get(pk=task.pk)

    def register(task, on):
        certificates = {pk: f"{pk}/KQNC-SKHCN" for pk in task.outputs.values_list("pk", flat=True)}
        move_task(task, "register", by=officer, on=on, certificates=certificates)

    trained = []  # (task, kind, person or None, year)

    def train(task, kind, person, year):
        resource(officer, Output, task=task, kind=kind, title=f"Đào tạo {kind}", person=person,
                 year=year)
        trained.append((task, kind, person, year))

    a = accepted("NV-A")                                   # accepted in 2024, applied in 2025
    b = accepted("NV-B")                                   # applied in 2024, not any more in 2025
    c = accepted("NV-C")                                   # accepted, no application report
    late = accepted("NV-LATE", start_date=dt.date(2025, 9, 1))   # accepted in January 2026
    hidden = propose(code=f"{MARKER}-D", title=f"{MARKER} đề xuất chưa công khai")  # a proposal
    contracted = propose(code="NV-E")
    _walk(contracted, ROADS["contracted"], people, rnd, officer)
    p = people
    train(a, "trained_phd", p[0], YEAR)
    train(a, "trained_msc", p[1], YEAR)
    train(a, "trained_msc", p[2], YEAR - 1)                # another year
    train(b, "trained_phd", p[0], YEAR)                    # the same person through a second task
    train(b, "trained_phd", p[3], YEAR)
    train(c, "trained_msc", None, YEAR)                    # nobody named: one person
    train(hidden, "trained_phd", p[4], YEAR)
    train(late, "trained_phd", Person.objects.create(full_name="Đỗ Văn Giang"), YEAR + 1)
    register(a, dt.date(2024, 9, 1))
    register(b, dt.date(2024, 9, 1))
    report_application(b, YEAR - 1, applied=True, where="Vĩnh Long", by=officer, on=dt.date(2025, 1, 20))
    report_application(a, YEAR, applied=True, where="Vĩnh Long", by=officer, on=dt.date(2026, 1, 20))
    report_application(b, YEAR, applied=False, where="ngừng", by=officer, on=dt.date(2026, 1, 20))
    enterprises = [resource(officer, Organisation, code=f"dn-{n}", name=f"Doanh nghiệp {n}",
                            kind="st_enterprise", certified_on=day, certificate_number=f"{n}/DNKHCN")
                   for n, day in enumerate([dt.date(2023, 5, 1), dt.date(2025, 12, 31),
                                            dt.date(2026, 1, 2), None])]
    asset = resource(officer, IPAsset, kind="patent", title="Quy trình chế biến dừa",
                     application_number="1-2025-00001", filed_on=dt.date(YEAR, 3, 3))
    resource(officer, IPAsset, kind="trademark", title="Nhãn hiệu khác",
             application_number="4-2024-00001", filed_on=dt.date(YEAR - 1, 3, 3))
    resource(officer, Output, task=contracted, kind="ip", title="Sáng chế", ip_asset=asset)
    return {"officer": officer, "tasks": {"a": a, "b": b, "c": c, "late": late, "hidden": hidden,
                                          "contracted": contracted},
            "trained": trained, "enterprises": enterprises, "asset": asset,
            "applied_by_year": {a.pk: {YEAR: True}, b.pk: {YEAR - 1: True, YEAR: False}},
            "accepted_in": {a.pk: 2024, b.pk: 2024, c.pk: 2024, late.pk: 2026}}


def people_trained(world, kind, year) -> set:
    return {("person", person.pk) if person else ("output", n)
            for n, (_task, k, person, y) in enumerate(world["trained"]) if k == kind and y == year}


def tasks_training(world, kind, year) -> set[int]:
    return {task.pk for task, k, _person, y in world["trained"] if k == kind and y == year}


def fed(code: str) -> DataValue:
    return DataValue.objects.get(indicator__code=code, source=Source.COMPUTED,
                                 unit__code=PROVINCE, period=str(YEAR))


# --- The values ------------------------------------------------------------------------------

def test_trained_phds_and_mscs_are_the_people_trained_that_year_each_once(world):
    feed_indicators(YEAR, by=world["officer"])
    for kind, code in (("trained_phd", "phd_supported"), ("trained_msc", "msc_supported")):
        value = fed(code)
        assert value.value == len(people_trained(world, kind, YEAR))
        assert value.final and value.source == Source.COMPUTED
        assert {t["id"] for t in value.provenance["tasks"]} == tasks_training(world, kind, YEAR)
        assert {t["code"] for t in value.provenance["tasks"]} == {
            Task.objects.get(pk=pk).code for pk in tasks_training(world, kind, YEAR)}
    assert fed("phd_supported").value == 3  # p0 (twice), p3 and p4: the derivation checked by hand


def test_the_share_of_accepted_tasks_applied_counts_the_latest_report(world):
    result = feed_indicators(YEAR, by=world["officer"])
    accepted = [pk for pk, year in world["accepted_in"].items() if year <= YEAR]
    applied = [pk for pk in accepted
               if (reports := {y: v for y, v in world["applied_by_year"].get(pk, {}).items()
                               if y <= YEAR}) and reports[max(reports)]]
    share = (Decimal(100 * len(applied)) / len(accepted)).quantize(Decimal("0.01"))
    computed = {v.fed.code: v for v in result.values}["accepted_tasks_applied"]
    assert computed.fed.value == share == Decimal("33.33")
    assert {t["id"] for t in computed.fed.provenance["tasks"]} == set(accepted)
    assert set(computed.fed.provenance["applied"]) == set(applied)


def test_enterprises_and_ip_applications_are_counted_but_not_written_outside_the_plan(world):
    result = {v.fed.code: v for v in feed_indicators(YEAR, by=world["officer"]).values}
    end = dt.date(YEAR, 12, 31)
    certified = [o for o in world["enterprises"] if o.certified_on and o.certified_on <= end]
    assert result["st_enterprises"].fed.value == len(certified) == 2
    assert {o["code"] for o in result["st_enterprises"].fed.provenance["organisations"]} == {
        o.code for o in certified}
    assert result["ip_applications"].fed.value == 1
    assert result["ip_applications"].fed.provenance["ip_assets"][0]["id"] == world["asset"].pk
    assert [t["id"] for t in result["ip_applications"].fed.provenance["tasks"]] == [
        world["tasks"]["contracted"].pk]
    for code in ("st_enterprises", "ip_applications", "accepted_tasks_applied"):
        assert result[code].status == "not_in_plan"
        assert not DataValue.objects.filter(indicator__code=code).exists()
    assert {code for code, v in result.items() if v.status == "written"} == {
        "phd_supported", "msc_supported"}


def test_a_year_the_registry_holds_nothing_for_writes_nothing(world):
    before = DataValue.objects.count()
    result = feed_indicators(2019, by=world["officer"])
    assert DataValue.objects.count() == before
    assert {v.fed.code: v.status for v in result.values}["phd_supported"] == "nothing_behind"


# --- Reruns and changes ----------------------------------------------------------------------

def test_a_rerun_on_the_same_data_writes_nothing(world):
    feed_indicators(YEAR, by=world["officer"])
    values, entries = DataValue.objects.count(), AuditEntry.objects.count()
    stamps = dict(DataValue.objects.values_list("pk", "updated_at"))
    result = feed_indicators(YEAR, by=world["officer"])
    assert DataValue.objects.count() == values
    assert AuditEntry.objects.count() == entries
    assert dict(DataValue.objects.values_list("pk", "updated_at")) == stamps
    assert {v.status for v in result.values if v.fed.code.endswith("_supported")} == {"unchanged"}


def test_a_changed_count_is_updated_with_before_and_after(world, people):
    officer = world["officer"]
    feed_indicators(YEAR, by=officer)
    first = fed("phd_supported")
    newcomer = Person.objects.create(full_name="Lý Thị Hoa")
    resource(officer, Output, task=world["tasks"]["c"], kind="trained_phd", title="Luận án",
             person=newcomer, year=YEAR)
    entries = AuditEntry.objects.count()
    feed_indicators(YEAR, by=officer)
    again = fed("phd_supported")
    assert again.pk == first.pk
    assert again.value == first.value + 1
    assert world["tasks"]["c"].pk in {t["id"] for t in again.provenance["tasks"]}
    change = AuditEntry.objects.filter(object_type="metrics.datavalue", object_id=str(first.pk)
                                       ).latest("pk")
    assert AuditEntry.objects.count() == entries + 1  # the PhD value only; the MSc one is unchanged
    assert change.actor == officer
    assert Decimal(change.before["value"]) == first.value
    assert Decimal(change.after["value"]) == first.value + 1


def test_only_plan_officers_feed_and_a_bad_year_is_refused(world, users):
    with pytest.raises(PermissionDenied):
        feed_indicators(YEAR, by=users["reporter"])
    with pytest.raises(ValidationError) as refused:
        feed_indicators(99999, by=world["officer"])
    assert "year" in refused.value.message_dict
    assert not DataValue.objects.filter(source=Source.COMPUTED).exists()


def test_the_command_writes_and_answers_in_json(world):
    out = StringIO()
    call_command("registry", "feed-indicators", "--year", str(YEAR), "--format", "json", stdout=out)
    answer = json.loads(out.getvalue())
    statuses = {row["indicator"]: row["status"] for row in answer["indicators"]}
    assert statuses["phd_supported"] == "written" and statuses["st_enterprises"] == "not_in_plan"
    assert answer["unit"] == PROVINCE
    assert fed("phd_supported").value == len(people_trained(world, "trained_phd", YEAR))
    again = StringIO()
    call_command("registry", "feed-indicators", "--year", str(YEAR), "--format", "json", stdout=again)
    assert {r["status"] for r in json.loads(again.getvalue())["indicators"]
            if r["indicator"] == "phd_supported"} == {"unchanged"}
    text = StringIO()
    call_command("registry", "feed-indicators", "--year", str(YEAR), stdout=text)
    assert [line.split(":")[0] for line in text.getvalue().splitlines()] == [
        row["indicator"] for row in answer["indicators"]]


# --- The indicator page ----------------------------------------------------------------------

def task_links(html: str) -> set[int]:
    """The task pages the 'behind' cells of the page link to."""
    cells = re.findall(r'<span data-testid="behind"[^>]*>(.*?)</span>', html, re.S)
    return {int(pk) for cell in cells for pk in re.findall(r'href="/registry/tasks/(\d+)/"', cell)}


def hidden_counts(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-testid="behind" data-hidden="(\d+)"', html)]


def test_the_page_links_a_plan_officer_to_every_task_behind_the_value(world, client):
    feed_indicators(YEAR, by=world["officer"])
    client.force_login(world["officer"])
    html = client.get(reverse("indicator-detail", kwargs={"code": "phd_supported"})).content.decode()
    assert task_links(html) == tasks_training(world, "trained_phd", YEAR)
    assert hidden_counts(html) == [0]
    assert f"{MARKER}-D" in html


def test_a_visitor_sees_the_public_tasks_and_only_a_count_of_the_others(world, client):
    feed_indicators(YEAR, by=world["officer"])
    behind = tasks_training(world, "trained_phd", YEAR)
    public = {pk for pk in behind if Task.objects.get(pk=pk).public}
    assert world["tasks"]["hidden"].pk in behind and world["tasks"]["hidden"].pk not in public
    html = client.get(reverse("indicator-detail", kwargs={"code": "phd_supported"})).content.decode()
    assert task_links(html) == public
    assert hidden_counts(html) == [len(behind - public)]
    assert MARKER not in html
    for pk in public:
        assert client.get(reverse("task-detail", kwargs={"pk": pk})).status_code == 200


def test_the_value_is_the_provinces(world):
    feed_indicators(YEAR, by=world["officer"])
    assert set(DataValue.objects.filter(source=Source.COMPUTED).values_list("unit", flat=True)) == {
        OrgUnit.objects.get(code=PROVINCE).pk}


def test_the_english_page_names_the_tasks_in_english(world, client, settings):
    feed_indicators(YEAR, by=world["officer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("indicator-detail", kwargs={"code": "phd_supported"})).content.decode()
    cell = re.search(r'<span data-testid="behind"[^>]*>(.*?)</span>', html, re.S).group(1)
    outside_data = re.sub(r"<a [^>]*data-content[^>]*>.*?</a>", "", cell)
    assert outside_data.startswith("Tasks:")
    assert "nhiệm vụ" not in outside_data
