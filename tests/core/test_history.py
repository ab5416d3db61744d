"""The change log reads in people's words: verbs for actions, field names, values as text, full
names; in English on English pages."""

import pytest
from django.utils import translation

from stiplan.core import history
from stiplan.core.models import AuditEntry
from stiplan.reporting.models import UnitReport

pytestmark = pytest.mark.django_db


def report_entry(action: str, **fields) -> AuditEntry:
    return AuditEntry(action=action, object_type="reporting.unitreport", object_id="1",
                      object_repr="Báo cáo", actor_label="system", **fields)


def test_an_action_reads_as_a_verb_phrase_in_the_active_language():
    entry = report_entry("reporting.accept_report")
    assert history.action_label(entry) == "chấp nhận báo cáo"
    with translation.override("en"):
        assert history.action_label(entry) == "accepted the report"


def test_an_unknown_action_code_is_shown_as_it_is():
    assert history.action_label(report_entry("reporting.something_new")) == "reporting.something_new"


def test_fields_by_their_names_choices_by_their_labels_and_no_system_keys():
    entry = report_entry("reporting.accept_report",
                         before={"id": 5, "state": "submitted", "accepted_at": None},
                         after={"id": 5, "state": "accepted",
                                "accepted_at": "2025-12-01T03:04:00+00:00"})
    rows = {c.field: (c.before, c.after) for c in history.changes(entry)}
    state = str(UnitReport._meta.get_field("state").verbose_name)
    assert rows[state[:1].upper() + state[1:]] == ("Đã gửi", "Đã chấp nhận")
    assert any(after.startswith("10:04 01/12/2025") or "01/12/2025" in after
               for _before, after in rows.values())
    assert not any("id" == field.lower() for field in rows)


def test_a_structure_is_summed_up_not_dumped():
    entry = report_entry("documents.generate_document",
                         after={"inputs": {"reports": {"1": 1, "2": 1}}})
    assert [c.after for c in history.changes(entry)] == ["1 mục"]


def test_people_by_their_full_names_and_the_system_by_name(users):
    assert history.actor_name(report_entry("x", actor=users["reviewer"])) == (
        "Trần Thị Thẩm (chuyên viên thẩm định)")
    assert history.actor_name(report_entry("x")) == "Hệ thống"
