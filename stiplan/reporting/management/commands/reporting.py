"""`stiplan reporting status --year 2025 [--plan CODE] --format json`: each unit's state."""

from django.core.management.base import BaseCommand

from stiplan.core.cli import add_format, add_plan, clean_errors, print_json, verbs
from stiplan.reporting.board import round_board
from stiplan.reporting.cli import round_of


class Command(BaseCommand):
    help = "Tình hình nộp báo cáo / reporting status"

    def add_arguments(self, parser):
        sub = verbs(parser)
        status = sub.add_parser("status", help="trạng thái từng đơn vị / each unit's state")
        status.add_argument("--year", type=int, required=True)
        add_plan(status)
        status.add_argument("--round", type=int, help="id of an ad hoc round")
        add_format(status)

    @clean_errors
    def handle(self, *args, verb, year, plan, round, format, **opts):
        round_ = round_of(plan, year, round)
        board = round_board(round_)
        if format == "json":
            print_json(board.as_json(), self.stdout)
            return
        self.stdout.write(f"{round_.title}: {board.submitted}/{board.expected} "
                          f"({board.completeness:.1f}%), đúng hạn {board.timeliness:.1f}%")
        for r in board.reports:
            flag = "—" if r.on_time is None else "đúng hạn" if r.on_time else "muộn"
            self.stdout.write(f"  {r.unit.code:<14} {r.state:<12} {flag}")
