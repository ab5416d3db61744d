"""What a user may see and send in reporting, shared by the pages and the API: the board over
the reports they may see, and whether they may upload into a report."""

from __future__ import annotations

from stiplan.core.uploads import may_change_row
from stiplan.reporting.board import round_board
from stiplan.reporting.models import Round, UnitReport


def visible_board(round_: Round, user):
    """The board of a round over the reports `user` may see."""
    return round_board(round_, round_.reports.restrict(user).select_related("unit",
                                                                           "inherited_from"))


#: Whether a user may send a file into the report the URL names; judged before the body is read.
may_upload = may_change_row(UnitReport, "reporting.edit_report")
