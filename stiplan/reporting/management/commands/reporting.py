"""`stiplan reporting status --year 2025 [--plan CODE] --format json`: each unit's state."""

from django.core.management.base import BaseCommand, CommandError

from stiplan.core.cli import add_format, clean_errors, print_json, verbs
from stiplan.core.constants import DEFAULT_PLAN
from stiplan.reporting.board import round_board
from stiplan.reporting.models import Round, RoundKind


class Command(BaseCommand):
    help = "Tình hình nộp báo cáo / reporting status"

    def add_arguments(self, parser):
        sub = verbs(parser)
        status = sub.add_parser("status", help="trạng thái từng đơn vị / each unit's state")
        status.add_argument("--year", type=int, required=True)
        status.add_argument("--plan", default=DEFAULT_PLAN)
        status.add_argument("--round", type=int, help="id of an ad hoc round")
        add_format(status)

    @clean_errors
    def handle(self, *args, verb, year, plan, round, format, **opts):
        rounds = Round.objects.filter(plan__code=plan, year=year)
        rounds = rounds.filter(pk=round) if round else rounds.filter(kind=RoundKind.ANNUAL)
        round_ = rounds.first()
        if round_ is None:
            raise CommandError(f"Không có kỳ báo cáo năm {year} của kế hoạch «{plan}» / "
                               f"no {year} round of plan '{plan}'")
        board = round_board(round_)
        if format == "json":
            print_json(board.as_json(), self.stdout)
            return
        self.stdout.write(f"{round_.title}: {board.submitted}/{board.expected} "
                          f"({board.completeness:.1f}%), đúng hạn {board.timeliness:.1f}%")
        for r in board.reports:
            flag = "—" if r.on_time is None else "đúng hạn" if r.on_time else "muộn"
            self.stdout.write(f"  {r.unit.code:<14} {r.state:<12} {flag}")
