"""The registry's bulk files at their edges: the row parser gives a value or a named problem for
any text in any cell (hypothesis), any bytes uploaded are read or refused cleanly, and the staff
page imports (dry run first), names the bad row, and refuses uploads from others."""

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stiplan.core.yamlio import InputError
from stiplan.registry.columns import ENTITIES, parse_row
from stiplan.registry.models import Task
from stiplan.registry.tables import Table, read_table, write_table

HEADER = ["code", "title", "level", "kind", "mechanism", "selection", "start_date", "host"]
ROW = ["NK-1", "Nghiên cứu tôm càng xanh", "provincial", "de_tai", "funding", "open", "2024-03-01",
       "dh-tra-vinh"]

cells = st.one_of(st.text(max_size=80), st.sampled_from(
    ["", " ", "2024-02-30", "31/12/2024", "1,5", "-1", "1e9", "NaN", "provincial", "cấp tỉnh",
     "x" * 5000, "#12", "12345678901234567890", "\x00", "https://a.b", "a@b.c"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entity=st.sampled_from(sorted(ENTITIES)), number=st.integers(2, 10**6),
       values=st.lists(cells, min_size=0, max_size=25))
def test_any_text_in_any_cell_gives_values_or_problems_naming_row_and_column(entity, number, values):
    spec = ENTITIES[entity]
    positions = {c.name: i for i, c in enumerate(spec.columns)}
    parsed, problems = parse_row(spec, positions, number, values)
    assert (parsed is None) == bool(problems)
    for problem in problems:
        assert problem.row == number and problem.column in positions
        assert problem.vi and problem.en and problem.vi != problem.en
    if parsed is not None:
        assert set(parsed) == set(positions)


@settings(max_examples=200, deadline=None)
@given(raw=st.one_of(st.binary(max_size=2000),
                     st.binary(max_size=2000).map(lambda b: b"PK\x03\x04" + b),
                     st.text(max_size=500).map(lambda t: t.encode("utf-8"))))
def test_random_bytes_are_read_as_a_table_or_refused_with_a_named_problem(raw):
    try:
        table = read_table(raw, "upload.xlsx" if raw[:2] == b"PK" else "upload.csv", where="web")
    except InputError as refused:
        assert refused.problems and all(p.vi and p.en for p in refused.problems)
    else:
        assert isinstance(table, Table) and table.header


def test_a_zip_that_is_no_workbook_and_a_zip_bomb_are_refused_before_parsing():
    def archive(**parts) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name.replace("__", "/"), data)
        return buffer.getvalue()

    for raw in (archive(hello=b"x"), archive(xl__workbook_xml=b"<c>" * 500_000)):
        with pytest.raises(InputError) as refused:
            read_table(raw, "x.xlsx", where="web")
        assert refused.value.problems[0].sheet == "(tệp)"


def test_the_workbook_budget_applies_with_the_registry_caps(monkeypatch):
    from stiplan.registry import tables

    monkeypatch.setitem(tables.MAX_CELLS, "web", 100)
    book = write_table(["code", "title"], [[f"c{n}", "t"] for n in range(60)], "xlsx")
    assert read_table(book, "ok.xlsx", where="cli").rows[-1] == (61, ["c59", "t"])
    with pytest.raises(InputError) as refused:
        read_table(book, "big.xlsx", where="web")
    assert "too many cells (over 100)" in str(refused.value)


# --- The staff page ----------------------------------------------------------------------------

@pytest.fixture
def page(db, login, host):
    return login("kehoach")


def upload(client, raw: bytes, name="nv.csv", entity="tasks", dry_run=False):
    data = {"entity": entity, "file": io.BytesIO(raw)}
    data["file"].name = name
    if dry_run:
        data["dry_run"] = "on"
    return client.post("/registry/files/", data)


def test_staff_check_then_import_a_file_and_see_the_counts(page):
    raw = write_table(HEADER, [ROW, ["NK-2", *ROW[1:]]], "csv")
    checked = upload(page, raw, dry_run=True)
    assert checked.status_code == 200 and not Task.objects.exists()
    assert "2 dòng mới" in checked.content.decode()
    done = upload(page, raw)
    assert done.status_code == 200 and Task.objects.count() == 2


def test_a_bad_row_is_named_on_the_page_and_nothing_is_saved(page):
    raw = write_table(HEADER, [ROW, ["NK-2", *ROW[1:6], "không phải ngày", ROW[7]]], "csv")
    response = upload(page, raw)
    assert response.status_code == 422
    assert "dòng 3, cột G (start_date)" in response.content.decode()
    assert not Task.objects.exists()


def test_random_bytes_uploaded_are_refused_cleanly(page):
    for raw in (b"PK\x03\x04garbage" * 50, bytes(range(256)) * 20):
        response = upload(page, raw, name="x.xlsx")
        assert response.status_code == 422
    assert not Task.objects.exists()


def test_only_the_department_imports_and_a_visitor_exports_no_personal_data(db, client, login, people):
    reporter = login("baocao.stc")
    refused = upload(reporter, write_table(HEADER, [ROW], "csv"))
    assert refused.status_code == 403
    client.logout()
    response = client.get("/registry/files/export/", {"entity": "people", "format": "csv"})
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines()[0] == "id,full_name,degree,title"
    assert client.get("/registry/files/export/", {"entity": "nope"}).status_code == 404
