"""The ground every demo builder stands on: the Vĩnh Long units, the plan and its reporting
set-up, one account per role (synthetic people); the demo's plain-http switch, and the guard that
keeps demo accounts out of a real database."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from stiplan.core.actions import create_account
from stiplan.core.constants import DEFAULT_PLAN
from stiplan.core.permissions import Role
from stiplan.metrics.actions import apply_config
from stiplan.metrics.config import parse_config
from stiplan.orgs.actions import add_membership, apply_orgs
from stiplan.orgs.io import parse_orgs, read_communes
from stiplan.orgs.models import Membership, OrgUnit
from stiplan.plans.actions import load_plan
from stiplan.plans.io import parse_plan
from stiplan.plans.models import Plan

ORGS_FILE = settings.BASE_DIR / "data" / "orgs" / "vinh-long.yaml"
COMMUNES_DIR = settings.BASE_DIR / "data" / "orgs" / "communes-2025"
PLAN_FILE = settings.BASE_DIR / "plans" / f"{DEFAULT_PLAN}.yaml"
REPORTING_FILE = settings.BASE_DIR / "data" / "reporting" / f"{DEFAULT_PLAN}.yaml"
DEMO_PASSWORD = "stiplan-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit: str
    staff: bool = False
    superuser: bool = False


ACCOUNTS = [
    DemoAccount("quantri", "Quản trị hệ thống", Role.ADMIN, "VL25.SKHCN", True, True),
    DemoAccount("kehoach", "Nguyễn Văn Kế (chuyên viên kế hoạch)", Role.PLAN_OFFICER,
                "VL25.SKHCN", True),
    DemoAccount("thamdinh", "Trần Thị Thẩm (chuyên viên thẩm định)", Role.REVIEWER, "VL25.SKHCN"),
    DemoAccount("baocao.stc", "Lê Văn Báo (Sở Tài chính)", Role.REPORTER, "VL25.STC"),
    DemoAccount("baocao.sgddt", "Phạm Thị Cáo (Sở Giáo dục và Đào tạo)", Role.REPORTER,
                "VL25.SGDDT"),
    DemoAccount("lanhdao", "Võ Minh Đạo (lãnh đạo UBND tỉnh)", Role.LEADER, "VL25.UBND"),
]


def serve_plain_http() -> None:
    """The demo and the tests serve plain http on 127.0.0.1: turn the HTTPS-only settings off in
    this process (settings.PLAIN_HTTP) and in the processes it starts (the job worker)."""
    os.environ["STIPLAN_INSECURE_HTTP"] = "1"
    for name, value in settings.PLAIN_HTTP.items():
        setattr(settings, name, value)


def other_users() -> list[str]:
    """Usernames in the database that are not demo accounts (demo passwords are public, so the
    demo must never add its accounts beside real ones)."""
    User = get_user_model()
    if User._meta.db_table not in connection.introspection.table_names():
        return []
    demo = [acc.username for acc in ACCOUNTS]
    return list(User.objects.exclude(username__in=demo).order_by("username")
                .values_list("username", flat=True))


def load_reference_data(orgs_file: Path = ORGS_FILE, plan_file: Path = PLAN_FILE) -> None:
    """Units and the plan, loaded once (a second run changes nothing)."""
    apply_orgs(parse_orgs(orgs_file.read_bytes()))
    apply_orgs(read_communes(COMMUNES_DIR))
    data = parse_plan(plan_file.read_bytes())
    if not Plan.objects.filter(code=data["code"]).exists():
        load_plan(data)
        apply_config(parse_config(REPORTING_FILE.read_bytes()))


@transaction.atomic
def create_accounts() -> list[DemoAccount]:
    """The demo accounts and their memberships (from 1/7/2025), each through the actions."""
    User = get_user_model()
    for acc in ACCOUNTS:
        user = User.objects.filter(username=acc.username).first() or create_account(
            acc.username, full_name=acc.full_name, email=f"{acc.username}@demo.invalid",
            password=DEMO_PASSWORD, staff=acc.staff, superuser=acc.superuser, by=None)
        unit = OrgUnit.objects.get(code=acc.unit)
        if not Membership.objects.filter(user=user, unit=unit, role=acc.role).exists():
            add_membership(user, unit, acc.role, valid_from=date(2025, 7, 1), by=None)
    return ACCOUNTS
