"""Open data (issue 14) over the demo world: every dataset downloads as CSV, JSON and XLSX that
open with the same header and rows; only what the public may read is in them; a cached file is
replaced as soon as an audited write changes the data; the DCAT catalogue describes each dataset
with working download addresses. Which value is open: test_opendata_values.py."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from stiplan.demo.registry import create_demo_registry
from stiplan.demo.rounds import create_demo_rounds
from stiplan.demo.series import create_demo_series
from stiplan.portal.datasets import DATASETS
from stiplan.registry.actions import add_output
from stiplan.registry.models import Output, Task
from tests.conftest import rows_standing_for_module, snapshot_of

pytestmark = pytest.mark.django_db

#: The demo rounds and series with a small registry (15 tasks: one of them registered).
open_world_snapshot = snapshot_of(create_demo_rounds, create_demo_series,
                                  lambda: create_demo_registry(tasks=15), run_on_commit=True)
standing_rows = rows_standing_for_module("open_world_snapshot")


@pytest.fixture
def registry(db, private_media, open_world_snapshot):
    open_world_snapshot.restore_files()


def fetch(client, slug: str, fmt: str) -> tuple[list[str], list[list]]:
    """A dataset's file, opened: its header and rows (as text, whatever the format)."""
    answer = client.get(reverse("dataset-file", kwargs={"slug": slug, "fmt": fmt}))
    assert answer.status_code == 200, (slug, fmt, answer.status_code)
    assert answer["Content-Disposition"] == f'attachment; filename="{slug}.{fmt}"'
    body = answer.content
    if fmt == "csv":
        assert body.startswith("\ufeff".encode()), "a BOM, so that Excel reads Vietnamese"
        table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        return table[0], table[1:]
    if fmt == "json":
        data = json.loads(body)
        assert data["meta"]["dataset"] == slug and data["meta"]["licence"].startswith("https://")
        return data["columns"], [[row[c] for c in data["columns"]] for row in data["rows"]]
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    return table[0], table[1:]


def text(rows: list[list]) -> str:
    return "\n".join("|".join("" if v is None else str(v) for v in row) for row in rows)


def test_every_dataset_opens_alike_in_csv_json_and_xlsx(client, registry):
    for slug, dataset in DATASETS.items():
        tables = {fmt: fetch(client, slug, fmt) for fmt in ("csv", "json", "xlsx")}
        for fmt, (header, rows) in tables.items():
            assert header == list(dataset.columns), (slug, fmt)
            assert len(rows) == len(tables["csv"][1]), (slug, fmt)
        assert tables["csv"][1], f"{slug} is empty in the demo"


def test_a_dataset_holds_public_rows_only(client, registry):
    proposal = Task.objects.filter(public=False).first()
    public = Task.objects.filter(public=True).first()
    _header, rows = fetch(client, "tasks", "csv")
    codes = {row[0] for row in rows}
    assert public.code in codes and proposal.code not in codes
    assert "@" not in text(rows)  # no e-mail address of anybody
    _header, outputs = fetch(client, "results", "csv")
    assert {row[0] for row in outputs} <= codes


def test_a_cached_file_is_served_until_an_audited_write_replaces_it(client, registry, users):
    task = Task.objects.filter(public=True, state="registered").first()
    before = text(fetch(client, "results", "csv")[1])
    output = Output.objects.filter(task=task).first()
    Output.objects.filter(pk=output.pk).update(title="Đổi thẳng trong cơ sở dữ liệu")  # no audit
    assert text(fetch(client, "results", "csv")[1]) == before, "served from the cache"
    add_output(task, kind="publication", title="Bài báo mới về lúa chịu mặn",
               year=task.start_date.year, by=users["plan_officer"])
    after = text(fetch(client, "results", "csv")[1])
    assert "Bài báo mới về lúa chịu mặn" in after and "Đổi thẳng trong cơ sở dữ liệu" in after


def test_the_dcat_catalogue_describes_each_dataset_with_working_downloads(client, registry):
    answer = client.get(reverse("data-catalog"))
    assert answer["Content-Type"] == "application/ld+json"
    catalogue = json.loads(answer.content)
    assert catalogue["@type"] == "dcat:Catalog" and "dcat" in catalogue["@context"]
    entries = {d["dct:identifier"]: d for d in catalogue["dcat:dataset"]}
    assert set(entries) == set(DATASETS)
    for slug, entry in entries.items():
        titles = {t["@language"]: t["@value"] for t in entry["dct:title"]}
        assert set(titles) == {"vi", "en"} and titles["vi"] != titles["en"], slug
        assert entry["dct:license"]["@id"].startswith("https://")
        assert entry["dct:accrualPeriodicity"]["@id"].endswith(("/DAILY", "/ANNUAL"))
        formats = set()
        for distribution in entry["dcat:distribution"]:
            url = distribution["dcat:downloadURL"]["@id"]
            assert url.startswith("http://testserver/data/"), url
            assert client.get(url.removeprefix("http://testserver")).status_code == 200
            formats.add(distribution["dcat:mediaType"])
        assert formats == {"text/csv", "application/json",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    assert "dct:modified" in entries["tasks"]  # the demo's tasks were written (and audited)


def test_the_pages_answer_and_an_unknown_dataset_or_format_is_404(client, registry):
    listing = client.get(reverse("dataset-list")).content.decode()
    for slug, dataset in DATASETS.items():
        assert reverse("dataset-detail", kwargs={"slug": slug}) in listing
        page = client.get(reverse("dataset-detail", kwargs={"slug": slug})).content.decode()
        assert all(f"<code>{column}</code>" in page for column in dataset.columns), slug
    assert client.get("/data/nothing/").status_code == 404
    assert client.get("/data/tasks.exe").status_code == 404
    assert client.get("/data/nothing.csv").status_code == 404
