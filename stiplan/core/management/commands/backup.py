"""`stiplan backup PATH [--format json]`: the database and every stored file in one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand

from stiplan.core.backup import write_backup
from stiplan.core.cli import add_format, clean_errors, print_json


class Command(BaseCommand):
    help = ("Sao lưu cơ sở dữ liệu và mọi tệp vào một tệp .zip / "
            "back up the database and every stored file into one .zip archive")

    def add_arguments(self, parser):
        parser.add_argument("path", help="tệp .zip sẽ tạo, hoặc thư mục / the .zip to write, or a folder")
        add_format(parser)

    @clean_errors
    def handle(self, *args, path: str, format: str, **opts):
        summary = write_backup(Path(path))
        for missing in summary["missing_files"]:
            self.stderr.write(f"Cảnh báo: tệp được tham chiếu nhưng không có / "
                              f"warning: file referenced but absent: {missing}")
        if format == "json":
            print_json(summary, self.stdout)
            return
        self.stdout.write(
            f"Đã sao lưu / backed up: {summary['path']} ({summary['size_bytes']:,} bytes, "
            f"{summary['rows']:,} dòng / rows in {summary['models']} models, "
            f"{sum(summary['files'].values())} tệp / files, {summary['seconds']} s)")
