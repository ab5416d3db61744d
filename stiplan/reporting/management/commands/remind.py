"""`stiplan remind [--date YYYY-MM-DD]`: send the deadline reminders due today (run daily)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from stiplan.core.cli import add_format, clean_errors, print_json
from stiplan.core.dates import parse_day
from stiplan.reporting.actions import sync_round
from stiplan.reporting.models import Round, RoundStatus
from stiplan.reporting.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Gửi nhắc hạn báo cáo / send report deadline reminders"

    def add_arguments(self, parser):
        parser.add_argument("--date", default="")
        add_format(parser)

    @clean_errors
    def handle(self, *args, date: str, format: str, **opts):
        day = parse_day(date, timezone.localdate())
        synced = {r.pk: sync_round(r, day, by=None) for r in Round.objects.filter(
            status=RoundStatus.OPEN)}
        sent = send_due_reminders(day)
        if format == "json":
            print_json({"date": day.isoformat(), "sent": [
                {"unit": u, "kind": k, "recipients": n} for u, k, n in sent],
                "reorganised": {str(k): v for k, v in synced.items() if v}}, self.stdout)
        else:
            self.stdout.write(f"{day}: {len(sent)} nhắc hạn đã gửi / reminders sent")
