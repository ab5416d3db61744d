"""The workflow steps of a unit report by name (submit, return, accept, unlock): the one place the
page and the API choose the action function a posted verb runs, and the message saying it is done."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from stiplan.reporting import actions as act
from stiplan.reporting.models import UnitReport

STEPS = ("submit", "return", "accept", "unlock")


def take_step(report: UnitReport, verb: str, *, by, version: int | None = None,
              comments: dict[str, str] | None = None, reason: str = "") -> str:
    """Run the step `verb` on `report` (each action checks permission, state and version);
    the message saying what was done. An unknown verb is refused (ValidationError)."""
    if verb == "submit":
        act.submit_report(report, by=by, expected_version=version)
        return _("Đã gửi báo cáo đến Sở Khoa học và Công nghệ.")
    if verb == "return":
        act.return_report(report, comments=comments or {}, by=by, expected_version=version)
        return _("Đã trả lại báo cáo để đơn vị bổ sung.")
    if verb == "accept":  # comments typed before accepting are kept as notes, never dropped
        act.accept_report(report, notes=comments or {}, by=by, expected_version=version)
        return _("Đã chấp nhận báo cáo.")
    if verb == "unlock":
        act.unlock_report(report, reason=reason, by=by)
        return _("Đã mở khóa báo cáo.")
    raise ValidationError(_("Thao tác «%(verb)s» không có.") % {"verb": verb[:40]})
