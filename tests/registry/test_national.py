"""The exchange with the national STI information system: a task's Mẫu 1, 5 and 12 grouped in
data domains, valid against the JSON Schema shipped beside the layout, served to staff only (API
and CLI); attachments only in the accepted formats; a broken layout refused with its place."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from hypothesis import assume, given
from hypothesis import strategies as st

from stiplan.core.yamlio import InputError
from stiplan.registry.actions import Decision, move_task
from stiplan.registry.models import IPAsset, Output, Task
from stiplan.registry.national import (
    ACCEPTED_FORMATS,
    LAYOUT,
    SCHEMA,
    attachment_format,
    national_exchange,
    read_layout,
)

VALIDATOR = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def problems_of(document: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(document)]


def fields_of(document: dict, form: str) -> dict[str, object]:
    """The fields of `form` across every domain, key → value."""
    return {f["key"]: f["value"] for d in document["domains"] for f_ in d["forms"]
            if f_["form"] == form for f in f_["fields"]}


def domain_of(document: dict, form: str, key: str) -> str:
    return next(d["code"] for d in document["domains"] for f_ in d["forms"] if f_["form"] == form
                for f in f_["fields"] if f["key"] == key)


def stem(name: str) -> str:
    """A stored file's name without the storage's suffix and the extension."""
    return name.split("_")[0].rsplit(".", 1)[0]


@pytest.fixture
def registered(demo_registry) -> Task:
    """A registered demo task with an IP filing among its outputs."""
    task = Task.objects.filter(state="registered").order_by("pk").first()
    asset = IPAsset.objects.create(kind="patent", title="Quy trình sấy dừa",
                                   application_number="1-2024-01234", filed_on=dt.date(2024, 5, 2))
    Output.objects.filter(task=task).update(ip_asset=asset)
    return task


def test_the_exchange_of_a_registered_task_is_valid_and_complete(registered):
    document = national_exchange(registered)
    assert problems_of(document) == []
    mau1, mau5, mau12 = (fields_of(document, f) for f in ("mau_1", "mau_5", "mau_12"))
    assert mau1["code"] == registered.code and mau1["title"] == registered.title
    principal = registered.members.get(role="principal").person
    assert mau1["principal"]["full_name"] == principal.full_name
    assert mau1["principal_contact"] == {"phone": principal.phone, "email": principal.email}
    assert mau5["acceptance"]["grade"] in ("xuất sắc", "khá", "đạt")
    assert mau5["registration"]["number"]
    assert all(o["certificate_number"] for o in mau5["outputs"])
    assert [f["application_number"] for f in mau5["ip_filings"]] == ["1-2024-01234"]
    assert mau12["certificates"] == [o["certificate_number"] for o in mau5["outputs"]]
    assert domain_of(document, "mau_5", "ip_filings") == "intellectual_property"
    assert domain_of(document, "mau_5", "acceptance") == "statistics_evaluation"


def test_an_innovation_task_lands_in_the_innovation_domain(demo_registry):
    task = Task.objects.filter(kind="innovation").first()
    document = national_exchange(task)
    assert problems_of(document) == []
    assert domain_of(document, "mau_1", "title") == "innovation"
    other = national_exchange(Task.objects.exclude(kind="innovation").first())
    assert domain_of(other, "mau_1", "title") == "sti_activities"


def test_the_schema_refuses_a_document_out_of_shape(registered):
    """The validation can fail: a field without its public flag, an unknown domain."""
    document = national_exchange(registered)
    del document["domains"][0]["forms"][0]["fields"][0]["public"]
    document["domains"][0]["code"] = "tasks"
    assert len(problems_of(document)) == 2


def test_private_fields_are_flagged(registered):
    document = national_exchange(registered)
    flags = {f["key"]: f["public"] for d in document["domains"] for form in d["forms"]
             if form["form"] == "mau_1" for f in form["fields"]}
    assert flags["principal_contact"] is False and flags["approval"] is False
    assert flags["title"] is True


def test_attachments_are_listed_only_in_the_accepted_formats(registered, users, private_media):
    task = Task.objects.filter(state="contracted").order_by("pk").first()
    files = {"bien-ban.pdf": b"%PDF-1.7\n...", "cu.pdf": b"%PDF-1.3\n...", "anh.png": b"\x89PNG...",
             "du-toan.xlsx": b"PK\x03\x04"}
    for n, (name, body) in enumerate(files.items(), 1):
        move_task(task, "inspect", by=users["plan_officer"], on=dt.date(2025, 1, n),
                  decision=Decision(f"{n}/BB", dt.date(2025, 1, n), ContentFile(body, name=name)))
    document = national_exchange(task)
    assert problems_of(document) == []
    dossier = fields_of(document, "mau_5")["dossier"]
    assert sorted(stem(a["name"]) for a in dossier) == ["bien-ban", "du-toan"]
    assert {a["format"] for a in dossier} == {"pdf", "xlsx"}
    skipped = {stem(s["name"]): s["reason"] for s in document["skipped_attachments"]}
    assert set(skipped) == {"cu", "anh"} and "1.4" in skipped["cu"]


PDF_HEADS = st.tuples(st.integers(0, 3), st.integers(0, 12)).map(
    lambda v: (v, f"%PDF-{v[0]}.{v[1]}\n".encode()))


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz.-_", max_size=20),
       st.one_of(PDF_HEADS, st.binary(max_size=16).map(lambda b: (None, b))))
def test_a_format_is_accepted_by_its_extension_and_a_pdf_from_version_1_4(name, version_head):
    version, head = version_head
    assume(version is not None or not head.startswith(b"%PDF-"))
    extension, why = attachment_format(name, head)
    suffix = name.rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in ACCEPTED_FORMATS:
        assert extension is None and why
    elif suffix != "pdf":
        assert (extension, why) == (suffix, "")
    else:
        assert (extension == "pdf") == (version is not None and version >= (1, 4))


def test_the_api_serves_the_exchange_to_staff_only(client, login, registered):
    url = f"/api/v1/registry/tasks/{registered.code}/national/"
    assert client.get(url).status_code == 403
    assert login("baocao.stc").get(url).status_code == 403
    response = login("lanhdao").get(url)
    assert response.status_code == 200 and problems_of(response.json()) == []
    proposal = Task.objects.filter(state="proposed").first()
    client.logout()
    assert client.get(f"/api/v1/registry/tasks/{proposal.code}/national/").status_code == 404
    assert login("kehoach").get("/api/v1/registry/tasks/NO-SUCH/national/").status_code == 404


def test_the_cli_prints_the_exchange_as_json(registered, capsys):
    call_command("registry", "national", registered.code, "--format", "json")
    document = json.loads(capsys.readouterr().out)
    assert problems_of(document) == [] and document["task"]["code"] == registered.code
    call_command("registry", "national", registered.code, "--format", "text")
    assert "mau_12" in capsys.readouterr().out
    with pytest.raises(CommandError, match="NO-SUCH"):
        call_command("registry", "national", "NO-SUCH")


def test_a_broken_layout_is_refused_with_its_places(tmp_path, registered):
    text = LAYOUT.read_text(encoding="utf-8")
    broken = (text.replace("source: task.title, domain: task}", "source: task.titel, domain: task}", 1)
              .replace("source: ip_filings, domain: intellectual_property",
                       "source: ip_filings, domain: ip"))
    with pytest.raises(InputError) as refused:
        read_layout(broken)
    places = sorted(p.path for p in refused.value.problems)
    assert places == ["forms[0].fields[1].source", "forms[1].fields[8].domain"]
    assert all(p.line for p in refused.value.problems)
    path = tmp_path / "layout.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(CommandError, match="task.titel"):
        call_command("registry", "national", registered.code, "--layout", str(path))


def test_staff_may_reorder_and_relabel_fields(registered):
    text = LAYOUT.read_text(encoding="utf-8").replace('label: "Tên nhiệm vụ"', 'label: "Tên đề tài"')
    document = national_exchange(registered, read_layout(text))
    labels = [f["label"] for d in document["domains"] for form in d["forms"] for f in form["fields"]
              if f["key"] == "title"]
    assert labels == ["Tên đề tài"] * 3
