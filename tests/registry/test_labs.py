"""Labs and their equipment: public to everyone, searched whatever the accents; written by the
Department only, each write audited; bad input refused with a message naming its field, nothing
written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from stiplan.core.models import AuditEntry
from stiplan.registry.exchange.actions import add_equipment, add_lab
from stiplan.registry.models import Equipment, Lab

pytestmark = pytest.mark.django_db

LABS = reverse("lab-list")


@pytest.fixture
def lab(users, host):
    made = add_lab(name="Phòng thí nghiệm Công nghệ sinh học", owner=host, location="Khu 1, Trà Vinh",
                   sharing="on_request", sharing_terms="Đăng ký trước 5 ngày.", by=users["plan_officer"])
    add_equipment(made, name="Máy PCR định lượng", model="QuantStudio 5", year=2021,
                  value=Decimal("1850"), sharing="for_fee", sharing_terms="Theo giờ máy.",
                  by=users["plan_officer"])
    return made


def page_of(lab) -> str:
    return reverse("lab-detail", kwargs={"pk": lab.pk})


def test_a_visitor_finds_a_lab_typed_without_accents_and_reads_its_equipment(client, lab):
    listed = client.get(LABS, {"q": "cong nghe sinh hoc tra vinh"}).content.decode()
    assert lab.name in listed
    assert lab.name not in client.get(LABS, {"q": "co khi"}).content.decode()
    page = client.get(page_of(lab)).content.decode()
    assert "Máy PCR định lượng" in page and "Đăng ký trước 5 ngày." in page
    assert 'id="equipment-form"' not in page  # no form for a visitor


def test_each_write_is_audited(lab, users):
    entry = AuditEntry.objects.get(action="registry.add_lab", object_id=str(lab.pk))
    assert entry.actor == users["plan_officer"] and entry.after["sharing"] == "on_request"
    item = Equipment.objects.get(lab=lab)
    added = AuditEntry.objects.get(action="registry.add_equipment", object_id=str(item.pk))
    assert Decimal(added.after["value"]) == 1850 and added.after["lab"] == lab.pk


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"name": " "}, "name", "tên phòng thí nghiệm"),
    ({"location": ""}, "location", "địa điểm"),
    ({"sharing": "for_fee", "sharing_terms": ""}, "sharing_terms", "điều kiện chia sẻ"),
    ({"sharing": "free_for_all"}, "sharing", "free_for_all"),
])
def test_a_bad_lab_is_refused_naming_its_field(users, host, change, field, words):
    data = {"name": "PTN", "owner": host, "location": "Vĩnh Long", **change}
    with pytest.raises(ValidationError) as refused:
        add_lab(by=users["plan_officer"], **data)
    assert field in refused.value.message_dict
    assert words in " ".join(refused.value.message_dict[field]).lower()
    assert not Lab.objects.exists() and not AuditEntry.objects.filter(action="registry.add_lab").exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"year": dt.date.today().year + 1}, "year"), ({"year": 1850}, "year"),
    ({"value": Decimal("-1")}, "value"), ({"name": ""}, "name")])
def test_bad_equipment_is_refused_naming_its_field(lab, users, change, field):
    before = Equipment.objects.count()
    with pytest.raises(ValidationError) as refused:
        add_equipment(lab, by=users["plan_officer"], **{"name": "Cân phân tích", **change})
    assert list(refused.value.message_dict) == [field]
    assert Equipment.objects.count() == before


def test_only_the_department_adds_labs(users, host):
    for role in ("public", "reporter", "leader"):
        with pytest.raises(PermissionDenied):
            add_lab(name="PTN", owner=host, location="Vĩnh Long", by=users[role])


def test_the_department_adds_a_lab_and_equipment_through_the_pages(login, host):
    client = login("kehoach")
    answer = client.post(LABS, {"name": "Phòng thí nghiệm Hóa phân tích", "owner": host.pk,
                                "location": "Trà Vinh", "sharing": "not_shared"})
    lab = Lab.objects.get(name="Phòng thí nghiệm Hóa phân tích")
    assert answer.status_code == 302 and answer["Location"] == page_of(lab)
    answer = client.post(page_of(lab), {"equipment-name": "Cân phân tích", "equipment-year": "2020",
                                        "equipment-sharing": "on_request"})
    assert answer.status_code == 302 and lab.equipment.get().year == 2020


def test_an_unknown_unit_code_is_said_at_its_field_and_nothing_is_written(login, host):
    answer = login("kehoach").post(LABS, {"name": "PTN X", "owner": host.pk, "location": "Trà Vinh",
                                          "unit_code": "KHONG-CO", "sharing": "not_shared"})
    assert answer.status_code == 200
    assert "KHONG-CO" in answer.context["form"].errors["unit_code"][0]
    assert not Lab.objects.filter(name="PTN X").exists()


def test_a_reporting_officer_may_not_post_a_lab(login, host):
    answer = login("baocao.stc").post(LABS, {"name": "PTN", "owner": host.pk, "location": "x",
                                             "sharing": "not_shared"})
    assert answer.status_code == 403 and not Lab.objects.exists()
