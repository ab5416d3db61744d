"""A decision read into a draft plan, reviewed item by item and published through the plan
validation and loader in one transaction; the source file archived with the plan."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import strip_tags

from stiplan.core.models import AuditEntry
from stiplan.core.yamlio import InputError
from stiplan.plans import drafts
from stiplan.plans.actions import create_draft, decide_item, publish_draft
from stiplan.plans.models import DraftStatus, Plan, PlanDraft

from .plancompare import SEED_TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def officer(users):
    return users["plan_officer"]


@pytest.fixture
def draft(officer):
    return create_draft("1925-QD-UBND.txt", SEED_TEXT.read_bytes(), by=officer)


def review_every_flag(draft, officer) -> None:
    for item in drafts.items(draft.result, draft.decisions):
        if item.open:
            decide_item(draft, item.key, drafts.ACCEPTED, by=officer)


def rename(draft, officer, code: str) -> None:
    decide_item(draft, drafts.HEADER, drafts.FIXED, by=officer, values={"code": code})


def test_the_draft_keeps_the_source_file_text_and_flags(draft):
    assert draft.source.read() == SEED_TEXT.read_bytes()
    assert draft.source_kind == "text"
    assert "1925/QĐ-UBND" in draft.text
    found = drafts.items(draft.result, draft.decisions)
    flagged = [i for i in found if i.flags]
    assert len(flagged) > 0 and all(i.open for i in flagged)
    assert sum(len(i.flags) for i in found) == len(draft.result["flags"])


def test_publish_is_refused_while_a_flagged_item_is_open(draft, officer):
    rename(draft, officer, "vinh-long-1925-ban-nhap")
    with pytest.raises(InputError) as refused:
        publish_draft(draft, by=officer)
    assert {p.path for p in refused.value.problems} == {
        i.key for i in drafts.items(draft.result, draft.decisions) if i.open}
    assert not Plan.objects.filter(code="vinh-long-1925-ban-nhap").exists()


def test_a_plan_code_in_use_is_named_on_the_header(draft, officer):
    review_every_flag(draft, officer)
    draft.refresh_from_db()
    with pytest.raises(InputError) as refused:
        publish_draft(draft, by=officer)
    assert [p.path for p in refused.value.problems] == ["header.code"]
    assert PlanDraft.objects.get(pk=draft.pk).status == DraftStatus.OPEN


def test_a_fixed_target_is_validated_on_its_field(draft, officer):
    key = next(i.key for i in drafts.items(draft.result, {}) if i.kind == "targets")
    decide_item(draft, key, drafts.FIXED, by=officer, values={
        **{n: str(v) for n, v in drafts.items(draft.result, {})[0].data.items()},
        "comparator": "range", "low": "70", "high": "65", "value": ""})
    draft.refresh_from_db()
    _data, problems = drafts.validate(draft.result, draft.decisions)
    assert "low" in [p.path for p in problems[key]]


def test_fix_drop_and_publish_loads_the_plan_with_its_source(draft, officer):
    rename(draft, officer, "vinh-long-1925-ban-nhap")
    review_every_flag(draft, officer)
    target_key = next(i.key for i in drafts.items(draft.result, {}) if i.kind == "targets")
    fixed = {**drafts.items(draft.result, {})[1].data}
    entry, _kind = drafts.locate(draft.result["plan"], target_key)
    decide_item(draft, target_key, drafts.FIXED, by=officer, values={
        **{k: "" if v is None else str(v) for k, v in entry.items()
           if k in drafts.ITEM_FIELDS["targets"] and not isinstance(v, bool)},
        "value": "55", "wording": "trên 55%"})
    dropped = next(i for i in drafts.items(draft.result, {}) if i.kind == "related_documents")
    decide_item(draft, dropped.key, drafts.DROPPED, by=officer)
    plan = publish_draft(PlanDraft.objects.get(pk=draft.pk), by=officer)
    assert fixed  # the header was read
    assert plan.code == "vinh-long-1925-ban-nhap" and plan.status == "in_force"
    target = plan.targets.get(code=entry["code"])
    assert (target.value, target.wording) == (55, "trên 55%")
    assert plan.related_documents.count() == len(draft.result["plan"]["related_documents"]) - 1
    draft.refresh_from_db()
    assert (draft.status, draft.plan) == (DraftStatus.PUBLISHED, plan)
    assert draft.source.read() == SEED_TEXT.read_bytes()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"plans.create_draft", "plans.fix_draft_item", "plans.drop_draft_item",
            "plans.accept_draft_item", "plans.publish_draft", "plans.load_plan"} <= actions
    with pytest.raises(InputError):
        decide_item(draft, target_key, drafts.ACCEPTED, by=officer)


def test_a_document_that_is_not_a_plan_makes_no_draft(officer):
    letter = "ỦY BAN NHÂN DÂN TỈNH VĨNH LONG\nV/v mời họp\nKính gửi các sở.\nTrân trọng kính mời."
    with pytest.raises(InputError) as refused:
        create_draft("thu-moi.txt", letter.encode(), by=officer)
    assert "not a plan" in str(refused.value) or "no text" in str(refused.value)
    assert not PlanDraft.objects.exists()


def test_only_plan_officers_import(users):
    with pytest.raises(PermissionDenied):
        create_draft("x.txt", SEED_TEXT.read_bytes(), by=users["reporter"])


def test_the_review_page_shows_flagged_items_first_beside_the_source(draft, login):
    page = login("kehoach").get(reverse("draft-review", args=[draft.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    first_flag = html.index('data-testid="flag"')
    assert first_flag < html.index("Các mục khác")
    assert 'id="L1"' in html


@pytest.mark.parametrize("language, said, not_said", [
    ("vi", "suy từ «Phối hợp với»", "read from «Phối hợp với»"),
    ("en", "read from «Phối hợp với»", "suy từ «Phối hợp với»"),
])
def test_the_readers_flags_are_said_in_the_page_language_with_the_quoted_words_as_data(
        draft, officer, client, settings, language, said, not_said):
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("draft-review", args=[draft.pk])).content.decode()
    flags = [line for line in page.splitlines() if 'data-testid="flag"' in line]
    assert flags and not any(not_said in html.unescape(strip_tags(f)) for f in flags)
    assert any(said in html.unescape(strip_tags(f)) for f in flags)
    assert '«<span data-content>Phối hợp với</span>»' in page
