"""`stiplan registry`: `dedupe "TITLE"` (titles like a proposed one, ranked with scores and the
shared phrases, checked against the titles of --corpus), `fields [FILE]` (load the
classification of S&T fields), `due` (inspections, registrations and application reports due) and
`feed-indicators --year YYYY` (the plan's indicators computed from the registry, written as
computed values with their provenance), `national CODE` (the task's Mẫu 1, 5, 12 for the national
STI information system, by data domain: stiplan.registry.national), `import FILE --entity E
[--dry-run]` and `export --entity E --to FILE.xlsx|.csv` (bulk files of tasks, organisations,
people, IP assets or outputs, with a progress bar on stderr)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max, Q

from stiplan.analytics.search import TitleIndex
from stiplan.core.cli import ProgressBar, add_format, add_plan, clean_errors, print_json, verbs
from stiplan.core.yamlio import InputError
from stiplan.plans.cli import plan_named
from stiplan.registry.actions import feed_indicators, load_fields
from stiplan.registry.columns import ENTITIES
from stiplan.registry.deadlines import TaskDates, due_items
from stiplan.registry.indicators import NOT_COMPUTED
from stiplan.registry.io import SHIPPED_FIELDS, SHIPPED_LEGACY, read_fields, read_legacy
from stiplan.registry.models import ResultApplication, Task
from stiplan.registry.national import LAYOUT, national_exchange, read_layout
from stiplan.registry.search import similar_tasks
from stiplan.registry.tables import write_table
from stiplan.registry.transfer import export_rows, run_import

#: Problems listed by a refused import (all of them with --format json).
SHOWN = 50

TITLE_COLUMNS = ("title", "ten", "tên", "ten_nhiem_vu", "tên nhiệm vụ")
KEY_COLUMNS = ("id", "code", "ma", "mã")


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Không đọc được tệp {path} / cannot read the file: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # legacy TCVN3/VNI files; the index converts them


def read_corpus(path: Path) -> tuple[list[str], list[str]]:
    """Titles and their keys: a .txt file holds one title a line (key: line number); a .csv file
    a title column (title / tên) and optionally a key column (id / code / mã)."""
    text = _text(path)
    if path.suffix.lower() != ".csv":
        rows = [(str(n), line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        return [t for _, t in rows], [k for k, _ in rows]
    reader = csv.DictReader(text.splitlines())
    names = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    title_col = next((names[c] for c in TITLE_COLUMNS if c in names), None)
    if title_col is None:
        raise CommandError(
            f"{path}: thiếu cột tên nhiệm vụ ({', '.join(TITLE_COLUMNS)}) / no title column"
        )
    key_col = next((names[c] for c in KEY_COLUMNS if c in names), None)
    titles, keys = [], []
    for line, row in enumerate(reader, 2):
        title = (row.get(title_col) or "").strip()
        if title:
            titles.append(title)
            keys.append((row.get(key_col) or "").strip() if key_col else str(line))
    return titles, keys


class Command(BaseCommand):
    help = "Sổ đăng ký nhiệm vụ KH&CN: kiểm tra trùng lặp tên nhiệm vụ / the STI registry"

    def add_arguments(self, parser):
        sub = verbs(parser)
        d = sub.add_parser("dedupe", help="titles similar to a proposed title")
        d.add_argument("title")
        d.add_argument("--corpus", type=Path, help="titles to check against: .txt (one a line) or "
                       ".csv (default: the registry's tasks, proposals included)")
        add_format(d)
        d.add_argument("--limit", type=int, default=10)
        d.add_argument("--min-score", type=float, default=0.3)
        f = sub.add_parser("fields", help="load the classification of S&T fields (Circular 24/2025)")
        f.add_argument("file", nargs="?", type=Path, default=SHIPPED_FIELDS,
                       help="CSV: code,name,name_en,oecd (default: the 6 shipped fields)")
        f.add_argument("--legacy", type=Path, default=None,
                       help="CSV: code_2008,name_2008,code_2025 (Decision 12/2008 → Circular 24/2025)")
        add_format(f)
        due = sub.add_parser("due", help="inspections, registrations and application reports due")
        due.add_argument("--on", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (today)")
        due.add_argument("--horizon", type=int, default=30, help="days ahead (30)")
        add_format(due)
        feed = sub.add_parser("feed-indicators",
                              help="write the plan's indicators computed from the registry")
        feed.add_argument("--year", type=int, required=True, help="YYYY")
        add_plan(feed, default=None)
        add_format(feed)
        nat = sub.add_parser("national", help="a task's forms for the national STI information system")
        nat.add_argument("code", help="task code")
        nat.add_argument("--layout", type=Path, default=LAYOUT,
                         help="the forms' layout (YAML; default: the shipped national-forms.yaml)")
        add_format(nat, default="json")
        imp = sub.add_parser("import", help="import a bulk file (CSV or XLSX): all rows or none")
        imp.add_argument("file", type=Path)
        imp.add_argument("--entity", choices=list(ENTITIES), required=True)
        imp.add_argument("--dry-run", action="store_true", help="check and count; write nothing")
        add_format(imp)
        exp = sub.add_parser("export", help="export an entity to a bulk file (CSV or XLSX)")
        exp.add_argument("--entity", choices=list(ENTITIES), required=True)
        exp.add_argument("--to", type=Path, required=True, help="FILE.xlsx or FILE.csv")
        exp.add_argument("--public", action="store_true",
                         help="only what a visitor sees, without personal data")

    #: Each verb and the method that answers it.
    VERBS = {"dedupe": "dedupe", "fields": "load_fields", "due": "due", "feed-indicators": "feed",
             "national": "national", "import": "bulk_import", "export": "bulk_export"}

    def handle(self, *args, verb, **o):
        return getattr(self, self.VERBS[verb])(o)

    def dedupe(self, o):
        if not o["title"].strip():
            raise CommandError("Tên nhiệm vụ trống / the title is empty")
        if o["corpus"] is None:
            found = similar_tasks(o["title"], Task.objects.all(), limit=o["limit"],
                                  min_score=o["min_score"])
            if not Task.objects.exists():
                self.stderr.write("Sổ đăng ký chưa có nhiệm vụ nào / the registry holds no tasks yet")
            hits = [(s.code, s.title, s.score, s.phrases) for s in found]
        else:
            titles, keys = read_corpus(o["corpus"])
            index = TitleIndex(titles, keys)
            hits = [(h.key, h.title, h.score, h.phrases)
                    for h in index.similar(o["title"], max(o["limit"], 1), o["min_score"])]
        rows = [{"rank": n, "id": key, "title": title, "score": score, "phrases": list(phrases)}
                for n, (key, title, score, phrases) in enumerate(hits, 1)]
        if o["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for r in rows:
            self.stdout.write(f"{r['rank']}. [{r['score']:.2f}] {r['id']}: {r['title']}")
            self.stdout.write(f"   cụm từ trùng: {'; '.join(r['phrases'])}")

    @clean_errors
    def load_fields(self, o):
        rows = read_fields(o["file"])
        if o["legacy"] is None and o["file"] == SHIPPED_FIELDS:
            o["legacy"] = SHIPPED_LEGACY
        legacy = read_legacy(o["legacy"]) if o["legacy"] is not None else []
        count = load_fields(rows, legacy, by=None)
        if o["format"] == "json":
            print_json({"fields": count, "legacy_codes": len(legacy)}, self.stdout)
        else:
            self.stdout.write(f"Đã nạp {count} mục phân loại, {len(legacy)} mã cũ / loaded")

    @clean_errors
    def feed(self, o):
        plan = plan_named(o["plan"]) if o["plan"] else None
        result = feed_indicators(o["year"], by=None, plan=plan)
        rows = [{"indicator": v.fed.code, "status": v.status,
                 "value": None if v.fed.value is None else float(v.fed.value),
                 "tasks": [t["code"] for t in v.fed.provenance.get("tasks", [])],
                 "provenance": v.fed.provenance} for v in result.values]
        if o["format"] == "json":
            print_json({"year": result.year, "plan": result.plan.code, "unit": result.unit.code,
                        "indicators": rows,
                        "not_computed": [{"indicator": k, "reason": why}
                                         for k, why in NOT_COMPUTED.items()]}, self.stdout)
            return
        for r in rows:
            value = "—" if r["value"] is None else f"{r['value']:g}"
            self.stdout.write(f"{r['indicator']}: {value} ({r['status']}, "
                              f"{len(r['tasks'])} nhiệm vụ / tasks)")

    @clean_errors
    def national(self, o):
        layout = read_layout(o["layout"].read_bytes(), str(o["layout"]))
        task = Task.objects.filter(code=o["code"].strip()).first()
        if task is None:
            raise CommandError(f"Không có nhiệm vụ «{o['code']}» / no task '{o['code']}'")
        document = national_exchange(task, layout)
        if o["format"] == "json":
            print_json(document, self.stdout)
            return
        for domain in document["domains"]:
            for form in domain["forms"]:
                self.stdout.write(f"[{domain['code']}] {form['form']}: {form['title']}")
                for item in form["fields"]:
                    self.stdout.write(f"  {item['label']}: {json.dumps(item['value'], ensure_ascii=False)}")
    def bulk_import(self, o):
        bar = ProgressBar(self.stderr)
        try:
            raw = o["file"].read_bytes()
            summary = run_import(raw, o["file"].name, o["entity"], by=None, dry_run=o["dry_run"],
                                 progress=bar)
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {o['file']} / cannot read the file: "
                               f"{exc.strerror}") from None
        except InputError as exc:
            bar.done()
            if o["format"] == "json":
                print_json({"ok": False, "problems": [
                    {"sheet": p.sheet, "row": p.row, "column": p.column, "vi": p.vi, "en": p.en}
                    for p in exc.problems]}, self.stdout)
            shown = "\n".join(f"  - {p}" for p in exc.problems[:SHOWN])
            more = len(exc.problems) - SHOWN
            raise CommandError(
                f"Tệp bị từ chối, không có dữ liệu nào được lưu ({len(exc.problems)} lỗi) / "
                f"file refused, nothing was saved ({len(exc.problems)} problems):\n{shown}"
                + (f"\n  … và {more} lỗi khác / and {more} more" if more > 0 else "")) from None
        bar.done()
        if o["format"] == "json":
            print_json({"ok": True, **asdict(summary)}, self.stdout)
            return
        verb = "Sẽ tạo / would create" if summary.dry_run else "Đã tạo / created"
        self.stdout.write(f"{verb} {summary.created}, cập nhật / updated {summary.updated}, "
                          f"không đổi / unchanged {summary.unchanged} ({summary.rows} dòng / rows; "
                          f"sha256 {summary.sha256[:16]}…)")

    @clean_errors
    def bulk_export(self, o):
        target: Path = o["to"]
        fmt = target.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise CommandError("Tệp xuất phải là .csv hoặc .xlsx / the file must be .csv or .xlsx")
        bar = ProgressBar(self.stderr)
        bar("export", 0, 1)
        header, rows = export_rows(o["entity"], by=None, public=o["public"])
        target.write_bytes(write_table(header, rows, fmt, sheet=o["entity"]))
        bar("export", 1, 1)
        bar.done()
        self.stdout.write(f"Đã xuất {len(rows)} dòng vào {target} / exported {len(rows)} rows")

    def due(self, o):
        today = o["on"] or dt.date.today()
        items = due_items(task_dates(), today, horizon_days=max(o["horizon"], 0))
        rows = [{"task": i.task, "kind": i.kind, "due_on": i.due_on.isoformat(), "year": i.year,
                 "overdue": i.overdue(today)} for i in items]
        if o["format"] == "json":
            print_json(rows, self.stdout)
            return
        for r in rows:
            mark = "QUÁ HẠN" if r["overdue"] else "sắp đến hạn"
            self.stdout.write(f"{r['due_on']} {r['task']} {r['kind']} ({mark})")


def task_dates() -> list[TaskDates]:
    """The dates the reminders read, for every task the lifecycle still follows."""
    tasks = Task.objects.restrict(None).filter(
        state__in=["contracted", "accepted", "registered", "applied"]).annotate(
        contracted_on=Max("steps__on", filter=Q(steps__step="contract")),
        last_inspection_on=Max("steps__on", filter=Q(steps__step="inspect")),
        accepted_on=Max("steps__on", filter=Q(steps__step="accept")),
        registered_on=Max("steps__on", filter=Q(steps__step="register")))
    reported = {}
    for task_id, year in ResultApplication.objects.values_list("task_id", "year"):
        reported.setdefault(task_id, set()).add(year)
    return [TaskDates(t.code, t.state, t.contracted_on, t.last_inspection_on, t.accepted_on,
                      t.registered_on, frozenset(reported.get(t.pk, ()))) for t in tasks]
