"""The yearly results scorecard of public S&T organisations: each column counted from the registry
rows this test makes (a task walked to acceptance and application, its outputs, the people
trained, IP assets), the revenue as the Department entered it; the XLSX holds the same table; a
bad figure is refused at its field and nothing is saved."""

import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from stiplan.core.actions import save_object
from stiplan.demo.registry import ROADS, _walk
from stiplan.registry.actions import add_output, move_task, report_application
from stiplan.registry.models import IPAsset, Organisation, ServiceRevenue
from stiplan.registry.recognition.actions import enter_service_revenue
from stiplan.registry.recognition.scorecard import COLUMNS, scorecard, workbook

pytestmark = pytest.mark.django_db

YEAR = 2024


def resource(by, model, **values):
    return save_object(model(**values), by=by, perm="registry.manage_resources")


@pytest.fixture
def world(users, people, propose, host):
    """The host: one task approved and accepted in 2024 (steps every 15 days from 1/3/2024),
    registered and applied that year, with a product, a PhD and two MScs (one named twice through
    a second task); a patent filed and granted; revenue entered. An idle institute, and an
    enterprise that is no public S&T organisation."""
    officer = users["plan_officer"]
    task = propose(code="NV-SC-1")
    _walk(task, ROADS["accepted"], people, random.Random(3), officer)
    other = propose(code="NV-SC-2")
    _walk(other, ROADS["contracted"], people, random.Random(4), officer)
    product = add_output(task, kind="product", title="Chế phẩm vi sinh", year=YEAR, by=officer)
    add_output(task, kind="trained_phd", title="Luận án", year=YEAR, person=people[0], by=officer)
    add_output(task, kind="trained_msc", title="Luận văn", year=YEAR, person=people[1], by=officer)
    add_output(other, kind="trained_msc", title="Luận văn", year=YEAR, person=people[1], by=officer)
    add_output(other, kind="trained_msc", title="Luận văn 2", year=YEAR, person=people[2], by=officer)
    add_output(other, kind="publication", title="Bài báo 2025", year=YEAR + 1, by=officer)
    certificates = {pk: f"{pk}/KQNC-SKHCN" for pk in task.outputs.values_list("pk", flat=True)}
    move_task(task, "register", by=officer, on=dt.date(YEAR, 8, 1), certificates=certificates)
    report_application(task, YEAR, applied=True, where="Vĩnh Long", by=officer, on=dt.date(YEAR, 9, 1))
    resource(officer, IPAsset, kind="patent", title="Quy trình", owner=host,
             filed_on=dt.date(YEAR, 2, 1), granted_on=dt.date(YEAR, 11, 1))
    resource(officer, IPAsset, kind="trademark", title="Nhãn hiệu", owner=host,
             filed_on=dt.date(YEAR - 1, 2, 1))
    idle = resource(officer, Organisation, code="vien-x", name="Viện X", kind="st_org")
    resource(officer, Organisation, code="dn-y", name="Doanh nghiệp Y", kind="enterprise")
    enter_service_revenue(host, YEAR, "1234,5", source="Báo cáo tài chính 2024", by=officer)
    return {"host": host, "idle": idle, "product": product, "officer": officer}


def test_each_column_counts_the_rows_behind_it(world):
    rows = {row.organisation.name: row for row in scorecard(YEAR)}
    assert set(rows) == {"Trường Đại học Trà Vinh", "Viện X"}, "the enterprise is not listed"
    host = rows["Trường Đại học Trà Vinh"]
    assert (host.won, host.hosted, host.accepted, host.applied) == (2, 2, 1, 1)
    assert (host.outputs, host.ip_filed, host.ip_granted) == (1, 1, 1)
    assert (host.phd, host.msc) == (1, 2), "a person trained through two tasks counts once"
    assert host.revenue == Decimal("1234.500")
    idle = rows["Viện X"]
    assert idle.values == [0] * (len(COLUMNS) - 1) + [None]
    assert scorecard(YEAR + 1)[0].outputs == 1 and scorecard(YEAR + 1)[0].won == 0


def test_the_xlsx_holds_the_same_table(world):
    rows = scorecard(YEAR)
    sheet = load_workbook(io.BytesIO(workbook(YEAR, rows))).active
    table = list(sheet.iter_rows(values_only=True))
    assert str(YEAR) in table[0][0]
    assert table[1][1:] == tuple(str(heading) for _n, heading, _r in COLUMNS)
    assert [list(r) for r in table[2:2 + len(rows)]] == [
        [row.organisation.name, *(float(v) if isinstance(v, Decimal) else v for v in row.values)]
        for row in rows]


def test_a_bad_revenue_is_refused_at_its_field_and_a_second_one_replaces_the_first(world):
    officer, host = world["officer"], world["host"]
    with pytest.raises(ValidationError) as refused:
        enter_service_revenue(host, YEAR, "một tỷ", by=officer)
    assert set(refused.value.error_dict) == {"amount"}
    with pytest.raises(ValidationError):
        enter_service_revenue(host, YEAR, "-5", by=officer)
    assert ServiceRevenue.objects.get(organisation=host, year=YEAR).amount == Decimal("1234.5")
    enter_service_revenue(host, YEAR, 900, by=officer)
    assert ServiceRevenue.objects.get(organisation=host, year=YEAR).amount == 900


def test_the_page_and_the_export_are_the_departments(world, login, client):
    assert client.get(reverse("scorecard", args=[YEAR])).status_code == 302
    staff = login("kehoach")
    page = staff.get(reverse("scorecard", args=[YEAR])).content.decode()
    assert "Trường Đại học Trà Vinh" in page and "1234,5" in page
    response = staff.post(reverse("scorecard", args=[YEAR]), {
        "organisation": world["idle"].pk, "amount": "12,5", "source": "Báo cáo"})
    assert response.status_code == 302
    assert ServiceRevenue.objects.get(organisation=world["idle"]).amount == Decimal("12.5")
    export = staff.get(reverse("scorecard-export", args=[YEAR]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert staff.get(reverse("scorecard", args=[3000])).status_code == 404
