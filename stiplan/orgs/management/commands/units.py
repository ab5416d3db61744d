"""`stiplan units at DATE`, `stiplan units successors CODE --on DATE`, `stiplan units load FILE`,
`stiplan units communes DIR` (the 2025 commune reorganisation from its two CSV tables)."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stiplan.core.cli import clean_errors, print_json
from stiplan.orgs.communes import CommuneDataError
from stiplan.orgs.io import apply_orgs, parse_orgs, read_communes
from stiplan.orgs.lineage import load_lineage
from stiplan.orgs.models import OrgUnit


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Ngày «{text}» không hợp lệ, cần YYYY-MM-DD / invalid date") from None


def unit_json(unit: OrgUnit) -> dict:
    return {
        "code": unit.code, "type": unit.type, "name": unit.name, "name_en": unit.name_en,
        "parent": unit.parent.code if unit.parent_id else None,
        "valid_from": unit.valid_from.isoformat(),
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
        "synthetic": unit.synthetic,
    }


class Command(BaseCommand):
    help = "Đơn vị theo ngày và lịch sử sắp xếp / units on a date and their history"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        at = sub.add_parser("at", help="các đơn vị tồn tại vào ngày / units valid on a date")
        at.add_argument("date")
        at.add_argument("--type", default="")
        at.add_argument("--format", choices=["json", "text"], default="text")
        succ = sub.add_parser("successors", help="đơn vị kế thừa / successors on a date")
        succ.add_argument("code")
        succ.add_argument("--on", required=True)
        succ.add_argument("--function", default="")
        succ.add_argument("--format", choices=["json", "text"], default="text")
        load = sub.add_parser("load", help="nạp đơn vị và sự kiện từ YAML / load units")
        load.add_argument("file")
        communes = sub.add_parser("communes", help="nạp xã, phường năm 2025 từ CSV / load the 2025 communes")
        communes.add_argument("directory", help="thư mục có communes.csv và communes_old_to_new.csv")

    @clean_errors
    def handle(self, *args, verb, **opts):
        if verb == "load":
            counts = apply_orgs(parse_orgs(Path(opts["file"]).read_bytes()))
            self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
            return
        if verb == "communes":
            try:
                data = read_communes(Path(opts["directory"]))
            except (CommuneDataError, OSError) as exc:
                raise CommandError(str(exc)) from None
            counts = apply_orgs(data)
            self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
            return
        if verb == "at":
            day = _day(opts["date"])
            units = OrgUnit.objects.valid_on(day).select_related("parent")
            if opts["type"]:
                units = units.filter(type=opts["type"])
            rows = [unit_json(u) for u in units]
            if opts["format"] == "json":
                print_json({"date": day.isoformat(), "count": len(rows), "units": rows}, self.stdout)
            else:
                for r in rows:
                    self.stdout.write(f"{r['code']:<16} {r['type']:<11} {r['name']}")
            return
        day = _day(opts["on"])
        if not OrgUnit.objects.filter(code=opts["code"]).exists():
            raise CommandError(f"Không có đơn vị «{opts['code']}» / no unit '{opts['code']}'")
        codes = load_lineage().successors(opts["code"], day, opts["function"])
        if opts["format"] == "json":
            print_json({"unit": opts["code"], "date": day.isoformat(), "successors": codes}, self.stdout)
        else:
            self.stdout.write("\n".join(codes) or "-")
