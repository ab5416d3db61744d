"""What a user may see and send in reporting, shared by the pages and the API: the board over
the reports they may see, and whether they may upload into a report."""

from __future__ import annotations

from django.http import Http404

from stiplan.core.permissions import can
from stiplan.reporting.board import round_board
from stiplan.reporting.models import Round, UnitReport


def visible_board(round_: Round, user):
    """The board of a round over the reports `user` may see."""
    return round_board(round_, round_.reports.restrict(user).select_related("unit",
                                                                           "inherited_from"))


def may_upload(user, pk: int) -> bool:
    """Whether `user` may send a file into report `pk`; judged before the body is read."""
    report = UnitReport.objects.restrict(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return can(user, "reporting.edit_report", report)
