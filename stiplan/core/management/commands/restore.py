"""`stiplan restore PATH [--format json]`: fill an empty database and data folder from a backup."""

from pathlib import Path

from django.core.management.base import BaseCommand

from stiplan.core.actions import restore_archive
from stiplan.core.cli import add_format, clean_errors, print_json


class Command(BaseCommand):
    help = ("Khôi phục bản sao lưu vào cơ sở dữ liệu và thư mục dữ liệu trống / "
            "restore a backup into an empty database and data folder")

    def add_arguments(self, parser):
        parser.add_argument("path", help="tệp .zip do `stiplan backup` tạo / a `stiplan backup` archive")
        add_format(parser)

    @clean_errors
    def handle(self, *args, path: str, format: str, **opts):
        summary = restore_archive(Path(path))
        if format == "json":
            print_json(summary, self.stdout)
            return
        self.stdout.write(
            f"Đã khôi phục / restored: {summary['path']} (sao lưu lúc / made {summary['created_at']} "
            f"on {summary['source_vendor']}; {summary['rows']:,} dòng / rows, "
            f"{summary['files']} tệp / files, {summary['seconds']} s)")
