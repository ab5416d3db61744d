"""A small registry world: the 6 fields, a host organisation, people, and a way to propose a task
under either regime through the real action."""

import datetime as dt

import pytest

from stiplan.registry.actions import FieldRow, load_fields, propose_task
from stiplan.registry.models import Organisation, OrganisationKind, Person

#: A start date on each side of the cut-over of 1/10/2025.
START = {"tt2014": dt.date(2024, 3, 1), "law2025": dt.date(2026, 2, 1)}


def make_fields() -> None:
    load_fields([FieldRow(n, str(n), f"Lĩnh vực {n}") for n in range(1, 7)], by=None)


def make_host() -> Organisation:
    return Organisation.objects.create(code="dh-tra-vinh", name="Trường Đại học Trà Vinh",
                                       kind=OrganisationKind.UNIVERSITY)


def make_people() -> list[Person]:
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Võ Văn Em"]
    return [Person.objects.create(full_name=n, email=f"p{i}@example.test", phone=f"09000000{i}",
                                  id_number=f"08609000000{i}", synthetic=True)
            for i, n in enumerate(names)]


def proposer(officer, host: Organisation):
    """propose(under, code=…, **overrides): a task proposed by `officer` at `host`, starting on a
    day of the regime `under`."""
    def make(under: str = "tt2014", code: str = "NV-1", **overrides):
        data = {"code": code, "title": f"Nghiên cứu chọn tạo giống lúa chịu mặn {code}",
                "level": "provincial", "kind": "de_tai", "mechanism": "commissioning",
                "selection": "open", "start_date": START[under], "host": host}
        data.update(overrides)
        return propose_task(by=officer, **data)
    return make


@pytest.fixture
def fields(db):
    make_fields()


@pytest.fixture
def host(db):
    return make_host()


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def propose(db, users, host):
    """Propose a task as the plan officer, starting on a day of the regime `under`:
    propose(under, code=…, **overrides)."""
    return proposer(users["plan_officer"], host)
