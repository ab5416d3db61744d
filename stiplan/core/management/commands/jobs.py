"""`stiplan jobs expire-stale`: background jobs.

    stiplan jobs expire-stale [--format json]   (what the django-q2 schedule runs every 5 minutes)

Fails every job left queued or running past the time a job may take (no worker, a killed one) —
documents, plan drafts being read, registry imports, index computations: each app's expirer,
registered in core/jobs.py — each with an audit entry. Run it by hand, or from cron where no
cluster runs (the cluster is what runs schedules)."""

from django.core.management.base import BaseCommand

from stiplan.core import jobs
from stiplan.core.cli import add_format, clean_errors, print_json, verbs


class Command(BaseCommand):
    help = "Việc chạy nền / background jobs"

    def add_arguments(self, parser):
        sub = verbs(parser)
        stale = sub.add_parser("expire-stale", help="đánh dấu lỗi các việc chạy nền quá 20 phút / "
                                                    "fail background jobs stuck past 20 minutes")
        add_format(stale, dest="fmt")

    @clean_errors
    def handle(self, *args, verb, fmt, **opts):
        expired = jobs.expire_stale_jobs(by=None)
        if fmt == "json":
            print_json(expired, self.stdout)
            return
        write_expired(self.stdout, expired)


def write_expired(out, expired: dict[str, list[int]]) -> None:
    """One line per app (its label, how many, their ids), then the total."""
    for label, ids in expired.items():
        out.write(f"{label}: {len(ids)} ({', '.join(f'#{pk}' for pk in ids) or '-'})")
    total = sum(len(ids) for ids in expired.values())
    out.write(f"{total} việc quá hạn đã đánh dấu lỗi / stale jobs failed")
