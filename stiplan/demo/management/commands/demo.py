"""`stiplan demo [--port N] [--no-serve]`: migrate, load demo data, print accounts, serve."""

import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from stiplan.core.cli import clean_errors
from stiplan.demo.index import create_demo_index
from stiplan.demo.reference import (
    DEMO_PASSWORD,
    create_accounts,
    load_reference_data,
    other_users,
    serve_plain_http,
)
from stiplan.demo.registry import create_demo_registry
from stiplan.demo.rounds import create_demo_rounds
from stiplan.demo.series import create_demo_series


class Command(BaseCommand):
    help = "Dữ liệu minh họa và máy chủ thử / demo data and a local server"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true")

    @clean_errors
    def handle(self, *args, port: int, no_serve: bool, **opts):
        if others := other_users():
            shown = ", ".join(others[:5]) + (", …" if len(others) > 5 else "")
            raise CommandError(
                f"Cơ sở dữ liệu đã có {len(others)} người dùng không phải tài khoản minh họa "
                f"({shown}); không tạo tài khoản minh họa (mật khẩu công khai) trong đó. Hãy dùng "
                f"thư mục dữ liệu (STIPLAN_VAR_DIR) hoặc DATABASE_URL mới. / The database holds "
                f"{len(others)} users who are not demo accounts ({shown}); demo accounts, whose "
                "password is public, are not created in it. Use a new data folder "
                "(STIPLAN_VAR_DIR) or DATABASE_URL.")
        serve_plain_http()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        load_reference_data()
        accounts = create_accounts()
        rounds = create_demo_rounds()
        create_demo_series()
        create_demo_index()
        create_demo_registry(province=True)
        self.stdout.write(f"Kỳ báo cáo minh họa / demo rounds: {', '.join(r.title for r in rounds)}")
        self.stdout.write("\nTài khoản minh họa / demo accounts "
                          f"(mật khẩu / password: {DEMO_PASSWORD}):")
        for acc in accounts:
            self.stdout.write(f"  {acc.username:<14} {acc.role:<13} {acc.unit:<11} {acc.full_name}")
        if no_serve:
            return
        self.stdout.write(f"\nMở / open http://127.0.0.1:{port}/\n")
        call_command("collectstatic", verbosity=0, interactive=False)
        # The background jobs (documents) run in a django-q2 cluster beside the web server.
        jobs = subprocess.Popen([sys.executable, "-m", "stiplan", "qcluster"])
        # A SIGTERM to the demo (a service manager, `kill`) ends the server like Ctrl-C does, so
        # the cluster below is stopped too rather than left running.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        finally:  # the cluster stops its running job and exits within seconds (qcluster.py)
            jobs.terminate()
            try:
                jobs.wait(timeout=20)
            except subprocess.TimeoutExpired:
                jobs.kill()
