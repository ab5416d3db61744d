"""`stiplan report annual|ad-hoc|regenerate|list|templates|expire-stale`: official documents from the
command line.

    stiplan report annual --year 2025 --format docx --out bao-cao-2025.docx [--layout ministry]
    stiplan report ad-hoc --round 7 --format pdf --out tra-loi.pdf
    stiplan report regenerate 12 --format pdf --out ban-luu.pdf
    stiplan report list --format json
    stiplan report templates [--out FOLDER]
    stiplan report expire-stale      (kept: the same as `stiplan jobs expire-stale`, every app's jobs)
"""

import shutil
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from stiplan.core.cli import add_format, add_plan, clean_errors, print_json, verbs
from stiplan.documents import actions as act
from stiplan.documents.docx_build import SHIPPED, build_all
from stiplan.documents.models import Document, Format, JobState
from stiplan.reporting.cli import round_of
from stiplan.reporting.models import Round, RoundKind

OPTIONS = ("number", "date", "signer_authority", "signer_title", "signer_name", "directions")


class Command(BaseCommand):
    help = "Văn bản báo cáo (DOCX, PDF, XLSX) / official documents"

    def add_arguments(self, parser):
        sub = verbs(parser)
        annual = sub.add_parser("annual", help="báo cáo năm / the yearly report")
        annual.add_argument("--year", type=int, required=True)
        add_plan(annual)
        ad_hoc = sub.add_parser("ad-hoc", help="báo cáo đột xuất / an ad hoc report")
        ad_hoc.add_argument("--round", type=int, required=True, dest="round_id")
        for p in (annual, ad_hoc):
            p.add_argument("--layout", default="default")
            for name in OPTIONS:
                p.add_argument(f"--{name.replace('_', '-')}", dest=name, default="")
        again = sub.add_parser("regenerate", help="tạo lại từ bản lưu / rebuild an archived document")
        again.add_argument("document", type=int)
        for p in (annual, ad_hoc, again):
            p.add_argument("--format", choices=Format.values, required=True, dest="fmt")
            p.add_argument("--out", required=True, type=Path)
        listing = sub.add_parser("list", help="văn bản đã tạo / documents made")
        add_format(listing, dest="fmt")
        templates = sub.add_parser("templates", help="tạo lại các mẫu Word / rebuild the Word templates")
        templates.add_argument("--out", type=Path, default=SHIPPED)
        sub.add_parser("expire-stale", help="như «stiplan jobs expire-stale»: đánh dấu lỗi các việc "
                                            "chạy nền quá 20 phút / as `stiplan jobs "
                                            "expire-stale`: fail background jobs stuck past 20 "
                                            "minutes")

    @clean_errors
    def handle(self, *args, verb, **opts):
        if verb == "templates":
            for path in build_all(opts["out"]):
                self.stdout.write(str(path))
            return
        if verb == "list":
            return self._list(opts["fmt"])
        if verb == "expire-stale":
            call_command("jobs", "expire-stale", stdout=self.stdout)
            return
        if verb == "regenerate":
            source = Document.objects.filter(pk=opts["document"]).first()
            if source is None:
                raise CommandError(f"Không có văn bản #{opts['document']} / no document #{opts['document']}")
            document = act.regenerate(source, formats=[opts["fmt"]], by=None, run_now=True)
        else:
            round_ = self._round(verb, opts)
            options = {name: opts[name] for name in OPTIONS if opts[name]}
            document = act.request_document(round_, layout=opts["layout"], formats=[opts["fmt"]],
                                            options=options, by=None, run_now=True)
        if document.state != JobState.DONE:
            raise CommandError(document.error)
        with document.file_of(opts["fmt"]).open("rb") as src, opts["out"].open("wb") as dst:
            shutil.copyfileobj(src, dst)
        self.stdout.write(f"#{document.pk} → {opts['out']}")

    def _round(self, verb: str, opts: dict) -> Round:
        if verb == "annual":
            return round_of(opts["plan"], opts["year"])
        round_ = Round.objects.filter(pk=opts["round_id"], kind=RoundKind.AD_HOC).first()
        if round_ is None:
            raise CommandError(f"Không có kỳ báo cáo đột xuất #{opts['round_id']} / "
                               f"no ad hoc round #{opts['round_id']}")
        return round_

    def _list(self, fmt: str) -> None:
        rows = [{"id": d.pk, "kind": d.kind, "round": d.round.title, "year": d.round.year,
                 "layout": d.layout, "state": d.state, "formats": d.formats,
                 "created_at": d.created_at.isoformat(), "regenerated_from": d.regenerated_from_id,
                 "inputs_revision": d.inputs.get("revision")}
                for d in Document.objects.select_related("round")]
        if fmt == "json":
            print_json(rows, self.stdout)
            return
        for r in rows:
            self.stdout.write(f"#{r['id']:<5} {r['state']:<8} {r['year']} {r['layout']:<9} {r['round']}")
