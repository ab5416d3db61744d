"""`stiplan plan load FILE`, `stiplan plan export CODE --format json|yaml` and
`stiplan plan import DOCUMENT --format yaml|json [--out F]` (a draft read from a decision)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from stiplan.core.cli import add_format, clean_errors, print_json, verbs
from stiplan.plans.actions import load_plan
from stiplan.plans.cli import plan_named
from stiplan.plans.io import export_plan, parse_plan, to_json_ready, to_yaml


class Command(BaseCommand):
    help = "Nạp và xuất kế hoạch dạng dữ liệu / load and export plans as data"

    def add_arguments(self, parser):
        sub = verbs(parser)
        load = sub.add_parser("load", help="nạp kế hoạch từ tệp YAML / load a plan file")
        load.add_argument("file")
        load.add_argument("--replace", action="store_true",
                          help="thay kế hoạch cùng mã / replace the plan with the same code")
        load.add_argument("--check", action="store_true",
                          help="chỉ kiểm tra, không lưu / validate only")
        export = sub.add_parser("export", help="xuất kế hoạch / export a plan")
        export.add_argument("code")
        add_format(export, ("json", "yaml"), default="yaml")
        imp = sub.add_parser("import", help="bản nháp từ văn bản (DOCX, PDF, ảnh, văn bản) / "
                             "a draft plan from its document")
        imp.add_argument("file")
        add_format(imp, ("json", "yaml"), default="yaml")
        imp.add_argument("--out", help="ghi ra tệp / write to this file")

    @clean_errors
    def handle(self, *args, verb, **opts):
        if verb == "import":
            self._import(opts)
            return
        if verb == "load":
            data = parse_plan(Path(opts["file"]).read_bytes())
            if opts["check"]:
                self.stdout.write(f"OK: {data['code']}")
                return
            plan = load_plan(data, replace=opts["replace"])
            self.stdout.write(f"Đã nạp kế hoạch / loaded plan {plan.code}")
            return
        data = export_plan(plan_named(opts["code"]))
        if opts["format"] == "json":
            print_json(to_json_ready(data), self.stdout)
        else:
            self.stdout.write(to_yaml(data), ending="")

    def _import(self, opts) -> None:
        from stiplan.plans.docimport import import_document

        def progress(done: int, total: int, what: str) -> None:
            self.stderr.write(f"{what}: {done}/{total}")

        result = import_document(opts["file"], progress=progress)
        out = {"draft": result["plan"], "flags": result["flags"], "summary": result["summary"],
               "source": result["source"]}
        text = (json.dumps(to_json_ready(out), ensure_ascii=False, indent=2) + "\n"
                if opts["format"] == "json" else to_yaml(out))
        if opts["out"]:
            Path(opts["out"]).write_text(text, encoding="utf-8")
            s = result["summary"]
            self.stdout.write(f"Bản nháp / draft: {s['targets']} chỉ tiêu / targets, {s['actions']} "
                              f"nhiệm vụ / actions, {s['flags']} cần kiểm tra / flags → {opts['out']}")
        else:
            self.stdout.write(text, ending="")
