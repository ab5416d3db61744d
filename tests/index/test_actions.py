"""Index actions: each writes its audit row, refuses the roles it must, and checks the value
against its definition and last year; the reviewer differs from the officer who entered."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from stiplan.core.models import AuditEntry
from stiplan.index import actions as act
from stiplan.index.models import Computation, IndexValue, JobState, ValueState

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ENTER = {"admin", "plan_officer"}
REVIEW = {"admin", "reviewer"}
ROLES = ("admin", "plan_officer", "reviewer", "reporter", "leader", "public")


@pytest.mark.parametrize("role", ROLES)
def test_entering_a_value_is_for_plan_officers(edition, users, role):
    before = AuditEntry.objects.count()
    if role in ENTER:
        item = act.save_value(edition, "1.1.1", value=7.25, source="QĐ 12/2025",
                                 evidence=("qd.pdf", PDF), by=users[role])
        entry = AuditEntry.objects.latest("pk")
        assert (entry.action, entry.object_id, entry.actor) == ("index.save_value", str(item.pk),
                                                                 users[role])
        assert entry.after["value"] == 7.25 and entry.before["value"] != 7.25
        assert item.state == ValueState.DRAFT and item.entered_by == users[role]
    else:
        with pytest.raises(PermissionDenied):
            act.save_value(edition, "1.1.1", value=7.25, by=users[role])
        assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("role", ROLES)
def test_reviewing_is_for_reviewers_other_than_the_officer(edition, users, role):
    item = act.save_value(edition, "1.2.1", value=6.5, by=users["plan_officer"])
    item = act.mark_checked(item, by=users["plan_officer"])
    before = AuditEntry.objects.count()
    if role in REVIEW:
        done = act.review_value(item, approve=True, by=users[role])
        assert done.state == ValueState.REVIEWED and done.reviewed_by == users[role]
        entry = AuditEntry.objects.latest("pk")
        assert (entry.action, entry.actor, entry.before["state"], entry.after["state"]) == (
            "index.review_value", users[role], "checked", "reviewed")
    else:
        with pytest.raises(PermissionDenied):
            act.review_value(item, approve=True, by=users[role])
        assert AuditEntry.objects.count() == before
        assert IndexValue.objects.get(pk=item.pk).state == ValueState.CHECKED


def test_the_officer_who_entered_cannot_review(edition, users):
    admin = users["admin"]
    item = act.mark_checked(act.save_value(edition, "1.2.2", value=6.0, by=admin), by=admin)
    with pytest.raises(PermissionDenied, match="khác người nhập"):
        act.review_value(item, approve=True, by=admin)
    assert IndexValue.objects.get(pk=item.pk).state == ValueState.CHECKED


def test_returning_needs_a_reason_and_goes_back_to_draft(edition, users):
    item = act.mark_checked(act.save_value(edition, "1.3.1", value=5.0,
                                                 by=users["plan_officer"]), by=users["plan_officer"])
    with pytest.raises(ValidationError, match="lý do"):
        act.review_value(item, approve=False, by=users["reviewer"])
    back = act.review_value(item, approve=False, reason="Sai nguồn", by=users["reviewer"])
    assert back.state == ValueState.DRAFT
    assert AuditEntry.objects.latest("pk").reason == "Sai nguồn"


def test_a_value_outside_its_definition_is_refused_and_nothing_saved(edition, users):
    before = IndexValue.objects.get(edition=edition, unit="VLG", code="2.2.1").value
    with pytest.raises(ValidationError, match="2.2.1.*100"):
        act.save_value(edition, "2.2.1", value=150.0, by=users["plan_officer"])  # a percentage
    with pytest.raises(ValidationError, match="nhỏ hơn"):
        act.save_value(edition, "6.1.1", value=-3.0, by=users["plan_officer"])
    assert IndexValue.objects.get(edition=edition, unit="VLG", code="2.2.1").value == before


def test_a_big_change_against_last_year_needs_an_explanation(edition, users):
    officer = users["plan_officer"]
    last = IndexValue.objects.get(edition__year=2024, unit="VLG", code="2.3.1").value
    item = act.save_value(edition, "2.3.1", value=last * 3, by=officer)
    assert [w["kind"] for w in item.warnings] == ["change"] and item.warnings[0]["ratio"] == "3.00"
    with pytest.raises(ValidationError, match="giải trình"):
        act.mark_checked(item, by=officer)
    item = act.save_value(edition, "2.3.1", value=last * 3, explanation="Tính cả 3 tỉnh cũ",
                             by=officer)
    assert act.mark_checked(item, by=officer).state == ValueState.CHECKED
    calm = act.save_value(edition, "2.3.1", value=last * 1.5, by=officer)
    assert calm.warnings == []


def test_evidence_is_checked_by_content(edition, users):
    with pytest.raises(ValidationError, match="PDF"):
        act.save_value(edition, "1.1.1", value=7.0, evidence=("qd.pdf", b"not a pdf"),
                          by=users["plan_officer"])
    item = act.save_value(edition, "1.1.1", value=7.0, evidence=("qd.pdf", PDF),
                             by=users["plan_officer"])
    assert item.evidence_type == "application/pdf"
    with item.evidence.open("rb") as fh:
        assert fh.read() == PDF


def test_unknown_indicator_is_refused(edition, users):
    with pytest.raises(ValidationError, match="9.9.9"):
        act.save_value(edition, "9.9.9", value=1.0, by=users["plan_officer"])


@pytest.mark.parametrize("role", ROLES)
def test_computation_is_for_plan_officers_and_stores_results(edition, users, role,
                                                              django_capture_on_commit_callbacks):
    if role not in ENTER:
        with pytest.raises(PermissionDenied):
            act.request_computation(edition, by=users[role])
        return
    with django_capture_on_commit_callbacks(execute=True):
        job = act.request_computation(edition, by=users[role])
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert AuditEntry.objects.filter(action="index.request_computation", actor=users[role]).exists()
    ranks = job.results["ranks"]["PII"]
    assert sorted(ranks) == list(range(1, 35))  # 34 provinces, no ties in this data
    i = job.results["interval"]["units"].index("VLG")
    q5, med, q95 = (job.results["interval"][k][i] for k in ("Q5", "Median", "Q95"))
    assert 1 <= q5 <= med <= q95 <= 34
    assert Computation.objects.filter(edition=edition, state=JobState.DONE).count() == 2


def test_the_demo_marks_synthetic_data_and_keeps_the_real_figures(edition):
    real = {p.unit: (p.score, p.rank) for p in edition.published.filter(synthetic=False)}
    assert real == {"HNI": (65.68, 1), "VLG": (38.93, 17), "HUE": (49.37, None)}
    assert edition.published.filter(synthetic=True).count() == 31
    assert not IndexValue.objects.filter(edition=edition).exclude(unit="VLG").exclude(synthetic=True)
    home = IndexValue.objects.filter(edition=edition, unit="VLG")
    assert home.filter(state=ValueState.REVIEWED).exists() and home.filter(state=ValueState.DRAFT).exists()
    mekong = [u["code"] for u in edition.units if u["region"] == "dbscl"]
    ahead = edition.published.filter(unit__in=mekong, rank__lt=17).count()
    assert len(mekong) == 6 and ahead == 2  # Vĩnh Long 3rd of 6 in the Mekong Delta
