"""`stiplan indicators status --plan CODE --format json`: every target with its status."""

from django.core.management.base import BaseCommand

from stiplan.core.cli import add_format, add_plan, clean_errors, print_json, verbs
from stiplan.core.dates import parse_day
from stiplan.metrics.status import plan_status
from stiplan.plans.cli import plan_named


class Command(BaseCommand):
    help = "Tình trạng các chỉ tiêu / target status"

    def add_arguments(self, parser):
        sub = verbs(parser)
        status = sub.add_parser("status")
        add_plan(status)
        status.add_argument("--date", default="")
        add_format(status)

    @clean_errors
    def handle(self, *args, verb, plan, date, format, **opts):
        statuses = plan_status(plan_named(plan), today=parse_day(date) if date else None)
        if format == "json":
            print_json({"plan": plan, "targets": [s.as_json() for s in statuses]}, self.stdout)
            return
        for s in statuses:
            self.stdout.write(f"{s.target.code:<4} {s.status:<10} {s.target.indicator.code:<22} "
                              f"{s.target.year} «{s.target.wording}»: {s.vi}")
