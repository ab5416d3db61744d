"""Technology offers and demands (cung – cầu công nghệ): a demand finds the offers that answer it
whatever the accents and abbreviations, ranked with the field's agreement and the phrases both
share (and an offer finds its demands); drafts and contacts stay with the Department; every write
is audited; bad input is refused naming its field, and nothing is written."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from stiplan.core.models import AuditEntry
from stiplan.registry.exchange.actions import add_demand, add_offer, set_status
from stiplan.registry.exchange.matching import demands_for, field_agreement, offers_for
from stiplan.registry.models import (
    Organisation,
    OrganisationKind,
    ScienceField,
    TechnologyDemand,
    TechnologyOffer,
)

pytestmark = pytest.mark.django_db

PLANTED = ("Công nghệ sấy lúa bằng năng lượng mặt trời",
           "Hệ thống sấy lúa cho hợp tác xã, ứng dụng tiến bộ khoa học và công nghệ, giảm thất thoát "
           "sau thu hoạch.")
OTHERS = [("Quy trình chế biến thạch dừa", "Sản xuất thạch dừa từ nước dừa già, quy mô hộ gia đình."),
          ("Phần mềm truy xuất nguồn gốc nông sản", "Tem QR cho sản phẩm OCOP, nhật ký điện tử."),
          ("Chế phẩm vi sinh xử lý rơm rạ", "Ủ phân hữu cơ từ phụ phẩm lúa trong 30 ngày.")]
EMAIL = "lienhe.rieng@example.invalid"


@pytest.fixture
def market(users, fields, host):
    """The planted drying offer (field 2) among three others, all published, a draft offer, and
    an enterprise."""
    officer = users["plan_officer"]
    field = {f.code: f for f in ScienceField.objects.all()}

    def offer(title, summary, code="2", publish=True):
        made = add_offer(title=title, summary=summary, owner=host, field=field[code], trl=6,
                         transfer_forms=["licence"], contact_email=EMAIL, by=officer)
        return set_status(made, "published", by=officer) if publish else made

    enterprise = Organisation.objects.create(code="dn-a", name="Công ty A (mô phỏng)",
                                             kind=OrganisationKind.ENTERPRISE, synthetic=True)
    return {"planted": offer(*PLANTED), "others": [offer(t, s, "4") for t, s in OTHERS],
            "draft": offer("Máy sấy lúa dạng tháp (bản nháp)", "Chưa công bố.", publish=False),
            "enterprise": enterprise, "field": field, "officer": officer}


def demand_of(market, title, needs, code="2", publish=True):
    made = add_demand(title=title, needs=needs, enterprise=market["enterprise"],
                      field=market["field"][code], contact_email=EMAIL, by=market["officer"])
    return set_status(made, "published", by=market["officer"]) if publish else made


def published(model):
    return model.objects.filter(status="published")


# --- Matching ----------------------------------------------------------------------------------

def test_a_demand_typed_without_accents_with_the_abbreviation_finds_the_planted_offer_first(market):
    demand = demand_of(market, "Can cong nghe say lua nang luong mat troi",
                       "Ung dung tien bo KH&CN cho hop tac xa")
    matches = offers_for(demand, published(TechnologyOffer))
    assert matches[0].pk == market["planted"].pk
    assert all(m.score < matches[0].score for m in matches[1:])
    # the phrases are the offer's own words, the abbreviation met in full
    assert "khoa học và công nghệ" in " ".join(matches[0].phrases)
    assert "sấy lúa" in " ".join(matches[0].phrases)
    assert matches[0].field_score == 1.0


def test_a_draft_offer_is_no_match_and_an_unrelated_offer_is_not_listed(market):
    demand = demand_of(market, "Cần máy sấy lúa", "sấy lúa cho hợp tác xã")
    found = {m.pk for m in offers_for(demand, published(TechnologyOffer))}
    assert market["draft"].pk not in found
    assert market["others"][0].pk not in found  # coconut jelly shares nothing


def test_the_field_breaks_a_tie_of_text(market, host):
    twin = add_offer(title=PLANTED[0], summary=PLANTED[1], owner=host, field=market["field"]["4"],
                     trl=6, transfer_forms=["sale"], by=market["officer"])
    set_status(twin, "published", by=market["officer"])
    demand = demand_of(market, PLANTED[0], PLANTED[1])
    first, second = offers_for(demand, published(TechnologyOffer))[:2]
    assert (first.pk, second.pk) == (market["planted"].pk, twin.pk)
    assert first.text_score == second.text_score and first.score > second.score


def test_an_offer_finds_the_demands_it_answers(market):
    wanted = demand_of(market, "Cần công nghệ sấy lúa", "Sấy lúa bằng năng lượng mặt trời")
    demand_of(market, "Cần phần mềm kế toán", "Quản lý hóa đơn điện tử", code="5")
    hidden = demand_of(market, "Sấy lúa năng lượng mặt trời (nháp)", "sấy lúa", publish=False)
    matches = demands_for(market["planted"], published(TechnologyDemand))
    assert [m.pk for m in matches] == [wanted.pk]
    assert hidden.pk not in {m.pk for m in matches}


@pytest.mark.parametrize(("a", "b", "agreement"), [
    ("2", "2", 1.0), ("2", "20101", 1.0), ("20101", "202", 0.5), ("2", "4", 0.0), (None, "2", 0.0)])
def test_field_agreement_reads_the_codes_prefixes(a, b, agreement):
    assert field_agreement(a, b) == field_agreement(b, a) == agreement


# --- Who sees what -----------------------------------------------------------------------------

def test_drafts_are_invisible_to_the_public_and_seen_by_the_department(market, users, client, login):
    draft = market["draft"]
    assert not TechnologyOffer.objects.restrict(users["public"]).filter(pk=draft.pk).exists()
    assert not TechnologyOffer.objects.restrict(users["reporter"]).filter(pk=draft.pk).exists()
    assert TechnologyOffer.objects.restrict(users["leader"]).filter(pk=draft.pk).exists()
    page = reverse("offer-detail", kwargs={"pk": draft.pk})
    assert client.get(page).status_code == 404
    assert draft.title not in client.get(reverse("offer-list")).content.decode()
    assert PLANTED[0] in client.get(reverse("offer-list")).content.decode()
    login("lanhdao")
    assert client.get(page).status_code == 200
    assert draft.title in client.get(reverse("offer-list")).content.decode()


def test_the_contact_and_the_matches_are_never_shown_to_the_public(market, client, login):
    demand = demand_of(market, "Can cong nghe say lua", "nang luong mat troi")
    page = reverse("demand-detail", kwargs={"pk": demand.pk})
    public = client.get(page).content.decode()
    assert EMAIL not in public and 'data-testid="match"' not in public
    assert demand.title in public
    staff = login("kehoach").get(page).content.decode()
    assert EMAIL in staff
    assert f'href="{reverse("offer-detail", kwargs={"pk": market["planted"].pk})}"' in staff
    client.logout()
    offer = client.get(reverse("offer-detail", kwargs={"pk": market["planted"].pk})).content.decode()
    assert PLANTED[0] in offer and EMAIL not in offer


# --- Writes: audit, refusals -------------------------------------------------------------------

def test_each_write_is_audited_with_before_and_after(market):
    offer = market["planted"]
    added = AuditEntry.objects.get(action="registry.add_offer", object_id=str(offer.pk))
    assert added.after["title"] == PLANTED[0] and added.after["status"] == "draft"
    published_entry = AuditEntry.objects.get(action="registry.publish_offer", object_id=str(offer.pk))
    assert (published_entry.before["status"], published_entry.after["status"]) == ("draft", "published")
    set_status(offer, "withdrawn", reason="đã chuyển giao", by=market["officer"])
    withdrawn = AuditEntry.objects.get(action="registry.withdraw_offer", object_id=str(offer.pk))
    assert withdrawn.reason == "đã chuyển giao" and withdrawn.actor == market["officer"]


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"trl": 12}, "trl", "TRL"),
    ({"transfer_forms": []}, "transfer_forms", "hình thức chuyển giao"),
    ({"transfer_forms": ["gift"]}, "transfer_forms", "gift"),
    ({"title": "  "}, "title", "Tên"),
])
def test_bad_input_is_refused_naming_its_field_and_nothing_is_written(market, host, change, field, words):
    before = (TechnologyOffer.objects.count(), AuditEntry.objects.count())
    data = {"title": "Công nghệ mới", "summary": "Tóm tắt", "owner": host, "trl": 5,
            "transfer_forms": ["licence"], **change}
    with pytest.raises(ValidationError) as refused:
        add_offer(by=market["officer"], **data)
    assert list(refused.value.message_dict) == [field]
    assert words.lower() in " ".join(refused.value.message_dict[field]).lower()
    assert (TechnologyOffer.objects.count(), AuditEntry.objects.count()) == before


def test_the_refusal_speaks_english_on_an_english_page(market, host):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        add_offer(title="X", summary="Y", owner=host, trl=0, transfer_forms=["licence"],
                  by=market["officer"])
    assert refused.value.message_dict["trl"] == [
        "technology readiness level (TRL): must be a number from 1 to 9."]


def test_a_move_the_status_table_does_not_allow_is_refused(market):
    with pytest.raises(ValidationError) as refused:
        set_status(market["planted"], "published", by=market["officer"])
    assert "status" in refused.value.message_dict
    assert "đã công bố" in refused.value.message_dict["status"][0]


def test_only_the_department_writes(market, users, host):
    with pytest.raises(PermissionDenied):
        add_demand(title="Cần", needs="x", enterprise=host, by=users["reporter"])
    with pytest.raises(PermissionDenied):
        set_status(market["draft"], "published", by=users["leader"])


# --- The staff form ----------------------------------------------------------------------------

def test_the_department_records_a_draft_and_publishes_it_through_the_pages(market, login):
    client = login("kehoach")
    answer = client.post(reverse("demand-list"), {
        "title": "Cần dây chuyền sơ chế dừa", "needs": "Sơ chế dừa tươi xuất khẩu",
        "enterprise": market["enterprise"].pk, "field": market["field"]["2"].pk,
        "contact_email": EMAIL})
    demand = TechnologyDemand.objects.get(title="Cần dây chuyền sơ chế dừa")
    assert answer.status_code == 302 and demand.status == "draft"
    page = reverse("demand-detail", kwargs={"pk": demand.pk})
    assert client.post(page, {"status-status": "published"}).status_code == 302
    assert TechnologyDemand.objects.get(pk=demand.pk).status == "published"


def test_a_bad_offer_on_the_page_is_shown_at_its_field(market, login, host):
    client = login("kehoach")
    answer = client.post(reverse("offer-list"), {"title": "Công nghệ X", "summary": "Tóm tắt",
                                                 "owner": host.pk, "trl": "5"})
    assert answer.status_code == 200
    assert answer.context["form"].errors["transfer_forms"]
    assert not TechnologyOffer.objects.filter(title="Công nghệ X").exists()
