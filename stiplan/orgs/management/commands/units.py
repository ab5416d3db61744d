"""`stiplan units at DATE`, `stiplan units successors CODE --on DATE`, `stiplan units load FILE`,
`stiplan units communes DIR` (the 2025 commune reorganisation from its two CSV tables),
`stiplan units add-member USER UNIT ROLE --from DATE`, `stiplan units end-member ID --on DATE`."""

from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from stiplan.core.cli import add_format, clean_errors, print_json, verbs
from stiplan.core.permissions import Role
from stiplan.orgs.actions import add_membership, apply_orgs, end_membership
from stiplan.orgs.communes import CommuneDataError
from stiplan.orgs.io import parse_orgs, read_communes
from stiplan.orgs.lineage import load_lineage
from stiplan.orgs.models import Membership, OrgUnit


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
        sub = verbs(parser)
        at = sub.add_parser("at", help="các đơn vị tồn tại vào ngày / units valid on a date")
        at.add_argument("date")
        at.add_argument("--type", default="")
        add_format(at)
        succ = sub.add_parser("successors", help="đơn vị kế thừa / successors on a date")
        succ.add_argument("code")
        succ.add_argument("--on", required=True)
        succ.add_argument("--function", default="")
        add_format(succ)
        load = sub.add_parser("load", help="nạp đơn vị và sự kiện từ YAML / load units")
        load.add_argument("file")
        communes = sub.add_parser("communes", help="nạp xã, phường năm 2025 từ CSV / load the 2025 communes")
        communes.add_argument("directory", help="thư mục có communes.csv và communes_old_to_new.csv")
        add = sub.add_parser("add-member", help="phân công người dùng vào đơn vị / add a membership")
        add.add_argument("username")
        add.add_argument("unit")
        add.add_argument("role", choices=Role.values)
        add.add_argument("--from", dest="valid_from", required=True)
        add.add_argument("--to", dest="valid_to", default="")
        add.add_argument("--reason", default="")
        end = sub.add_parser("end-member", help="kết thúc phân công / end a membership")
        end.add_argument("id", type=int)
        end.add_argument("--on", required=True, help="ngày cuối cùng / its last day")
        end.add_argument("--reason", default="")

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
        if verb in ("add-member", "end-member"):
            membership = self._membership(verb, opts)
            self.stdout.write(f"{membership.pk} {membership}")
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

    def _membership(self, verb: str, opts: dict) -> Membership:
        if verb == "end-member":
            membership = Membership.objects.filter(pk=opts["id"]).first()
            if membership is None:
                raise CommandError(f"Không có phân công số {opts['id']} / no membership {opts['id']}")
            return end_membership(membership, on=_day(opts["on"]), reason=opts["reason"], by=None)
        user = get_user_model().objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng «{opts['username']}» / no user "
                               f"'{opts['username']}'")
        unit = OrgUnit.objects.filter(code=opts["unit"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị «{opts['unit']}» / no unit '{opts['unit']}'")
        return add_membership(user, unit, opts["role"], valid_from=_day(opts["valid_from"]),
                              valid_to=_day(opts["valid_to"]) if opts["valid_to"] else None,
                              reason=opts["reason"], by=None)
