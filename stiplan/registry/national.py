"""The exchange with the national STI information system (Circular 22/2025/TT-BKHCN): a task's
Mẫu 1 (ongoing task), Mẫu 5 (registration of results) and Mẫu 12 (application of results) of
Circular 14/2014/TT-BKHCN (amended by Circular 11/2023/TT-BKHCN) as one JSON document, grouped
in the system's data domains.

The layout — the domains, the forms, their fields and the source of each — is data
(data/national-forms.yaml) that staff may adjust; a source is a name of SOURCES here or a plain
field of the task (`task.title`, `task.kind:label`). Attachments are listed only in the formats
the national database accepts (Circular 05/2021/TT-BKHCN: txt, rtf, doc/docx, PDF ≥ 1.4, odt,
xls/xlsx, csv, ods); the others are named under `skipped_attachments` so staff can convert them.
The document holds personal and internal data (contacts, decisions, the acceptance grade):
it is for the Department's staff (`registry.export_national`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db.models import Prefetch
from django.utils import timezone

from stiplan.core.yamlio import InputError, Problem, line_of, load_yaml
from stiplan.registry.lifecycle import STATE_LABELS, lifecycle_of
from stiplan.registry.models import (
    Consensus,
    CouncilKind,
    FundingSource,
    Output,
    OutputKind,
    Task,
    TaskKind,
    TaskMember,
)
from stiplan.registry.principals import PRINCIPALS, principal_of

LAYOUT = Path(__file__).resolve().parent / "data" / "national-forms.yaml"
SCHEMA = Path(__file__).resolve().parent / "data" / "national-exchange.schema.json"
FORMAT = "stiplan.national-exchange/1"
#: Circular 05/2021/TT-BKHCN: the attachment formats of the national S&T database.
ACCEPTED_FORMATS = frozenset({"txt", "rtf", "doc", "docx", "pdf", "odt", "xls", "xlsx", "csv", "ods"})
STATE_FUNDS = (FundingSource.CENTRAL, FundingSource.PROVINCIAL)


@dataclass
class Facts:
    """What the sources read of one task, loaded once (every related row, as the system)."""

    task: Task
    steps: dict[str, object] = field(default_factory=dict)
    _files: tuple[list[dict], list[dict]] | None = None

    @classmethod
    def of(cls, task: Task) -> Facts:
        task = (Task.objects.select_related("host", "field", "programme")
                .prefetch_related(Prefetch("members", TaskMember.objects.select_related("person")
                                           .order_by("role", "valid_from")),
                                  PRINCIPALS, "budget", "applications", "steps",
                                  Prefetch("outputs", Output.objects.select_related("ip_asset__owner")))
                .get(pk=task.pk))
        facts = cls(task)
        for step in task.steps.all():  # ordered by day: the latest of each kind wins
            facts.steps[step.step] = step
        return facts

    def principal(self):
        return principal_of(self.task)

    def files(self) -> tuple[list[dict], list[dict]]:
        """The step documents: (accepted attachments, skipped ones with the reason)."""
        if self._files is None:
            self._files = _files(self)
        return self._files


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _money(value: Decimal) -> float:
    return float(round(value, 3))


def _decision(facts: Facts, step: str) -> dict | None:
    found = facts.steps.get(step)
    if found is None:
        return None
    label = lifecycle_of(facts.task.regime).steps.get(step)
    return {"step": str(label.label) if label else step, "on": _day(found.on),
            "number": found.decision_number or None, "date": _day(found.decision_date)}


def _person(person) -> dict | None:
    if person is None:
        return None
    return {"full_name": person.full_name, "degree": person.get_degree_display() if person.degree else "",
            "title": person.get_title_display() if person.title else ""}


def _contact(facts: Facts) -> dict | None:
    person = facts.principal()
    return None if person is None else {"phone": person.phone or None, "email": person.email or None}


def _budget(facts: Facts, *, sources=None, part: str = "amount") -> float:
    lines = [b for b in facts.task.budget.all() if sources is None or b.source in sources]
    return _money(sum((getattr(b, part) for b in lines), Decimal(0)))


def _output(output: Output) -> dict:
    return {"kind": output.get_kind_display(), "title": output.title, "year": output.year,
            "certificate_number": output.certificate_number or None,
            "registered_on": _day(output.registered_on)}


def _ip_filings(facts: Facts) -> list[dict]:
    assets = {o.ip_asset.pk: o.ip_asset for o in facts.task.outputs.all() if o.ip_asset_id}
    return [{"kind": a.get_kind_display(), "title": a.title,
             "application_number": a.application_number or None, "filed_on": _day(a.filed_on),
             "number": a.number or None, "granted_on": _day(a.granted_on),
             "owner": a.owner.name if a.owner_id else (a.owner_name or None)}
            for a in assets.values()]


def _acceptance(facts: Facts) -> dict | None:
    found = (Consensus.objects.filter(task=facts.task, council__kind=CouncilKind.ACCEPTANCE)
             .select_related("council").order_by("-decided_on", "-pk").first())
    if found is None:
        return None
    return {"council": found.council.name, "decided_on": _day(found.decided_on),
            "grade": found.get_grade_display() if found.grade else None,
            "mean_score": None if found.mean_score is None else float(found.mean_score),
            "conclusion": found.conclusion}


def attachment_format(name: str, head: bytes) -> tuple[str | None, str]:
    """The accepted format of a file named `name` starting with `head`, or None and why not.
    A PDF must declare version 1.4 or later."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ACCEPTED_FORMATS:
        return None, f"định dạng «{extension or '?'}» không được chấp nhận / format not accepted"
    if extension == "pdf":
        match = re.match(rb"%PDF-(\d+)\.(\d+)", head)
        if match is None or (int(match[1]), int(match[2])) < (1, 4):
            return None, "PDF phải từ phiên bản 1.4 / PDF must be version 1.4 or later"
    return extension, ""


def _files(facts: Facts) -> tuple[list[dict], list[dict]]:
    """The step documents of the task: (accepted attachments, skipped ones with the reason)."""
    accepted, skipped = [], []
    steps = lifecycle_of(facts.task.regime).steps
    for step in facts.task.steps.all():
        if not step.document:
            continue
        name = Path(step.document.name).name
        try:
            with step.document.open("rb") as handle:
                head, size = handle.read(16), step.document.size
        except OSError:
            skipped.append({"name": name, "reason": "tệp không đọc được / file not readable"})
            continue
        extension, why = attachment_format(name, head)
        if extension is None:
            skipped.append({"name": name, "reason": why})
            continue
        label = steps[step.step].label if step.step in steps else step.step
        accepted.append({"name": name, "format": extension, "size": size, "step": str(label),
                         "document": str(steps[step.step].document) if step.step in steps else ""})
    return accepted, skipped


@dataclass(frozen=True)
class Source:
    read: Callable[[Facts], object]
    public: bool = True


SOURCES: dict[str, Source] = {
    "programme": Source(lambda f: None if f.task.programme is None else {
        "code": f.task.programme.code, "name": f.task.programme.name,
        "decision_number": f.task.programme.decision_number or None}),
    "field": Source(lambda f: None if f.task.field is None else {
        "code": f.task.field.code, "name": f.task.field.name}),
    "host": Source(lambda f: None if f.task.host is None else {
        "code": f.task.host.code, "name": f.task.host.name, "kind": f.task.host.get_kind_display()}),
    "principal": Source(lambda f: _person(f.principal())),
    "principal_contact": Source(_contact, public=False),
    "members": Source(lambda f: [{**_person(m.person), "role": m.get_role_display()}
                                 for m in f.task.members.all()]),
    "budget_total": Source(_budget),
    "budget_state": Source(lambda f: _budget(f, sources=STATE_FUNDS)),
    "budget_lump_sum": Source(lambda f: _budget(f, part="lump_sum")),
    "step_approve": Source(lambda f: _decision(f, "approve"), public=False),
    "step_contract": Source(lambda f: _decision(f, "contract"), public=False),
    "step_accept": Source(lambda f: _decision(f, "accept"), public=False),
    "step_register": Source(lambda f: _decision(f, "register"), public=False),
    "acceptance": Source(_acceptance, public=False),
    "outputs": Source(lambda f: [_output(o) for o in f.task.outputs.all()]),
    "certificates": Source(lambda f: [o.certificate_number for o in f.task.outputs.all()
                                      if o.certificate_number]),
    "ip_filings": Source(_ip_filings),
    "dossier": Source(lambda f: f.files()[0], public=False),
    "applications": Source(lambda f: [{"year": a.year, "applied": a.applied, "where": a.where}
                                      for a in f.task.applications.all()]),
    "technology_transfer": Source(lambda f: [_output(o) for o in f.task.outputs.all()
                                             if o.kind == OutputKind.TECHNOLOGY_TRANSFER]),
}
#: The plain task fields a `task.<name>` source may read (`:label` for a coded one).
TASK_FIELDS = frozenset({"code", "title", "level", "kind", "innovation_subkind", "mechanism",
                         "selection", "start_date", "end_date", "regime", "state", "summary"})


def _task_field(name: str, label: bool) -> Source:
    def read(facts: Facts):
        task = facts.task
        if label and name == "state":
            return str(STATE_LABELS.get(task.state, task.state))
        if label:
            return getattr(task, f"get_{name}_display")()
        value = getattr(task, name)
        return _day(value) if isinstance(value, dt.date) else value
    return Source(read)


def source_of(name: str) -> Source | None:
    if name in SOURCES:
        return SOURCES[name]
    match = re.fullmatch(r"task\.(\w+)(:label)?", name)
    if match and match[1] in TASK_FIELDS:
        return _task_field(match[1], bool(match[2]))
    return None


# --- The layout --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    key: str
    label: str
    source: str
    domain: str


@dataclass(frozen=True)
class Form:
    code: str
    title: str
    title_en: str
    basis: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Layout:
    domains: tuple[dict, ...]
    forms: tuple[Form, ...]


def read_layout(raw: bytes | str, path: str = "national-forms.yaml") -> Layout:
    """The layout in `raw`, checked whole: every problem is named with its line; InputError."""
    data = load_yaml(raw, path)
    problems: list[Problem] = []

    def need(container, key, where) -> object:
        if not isinstance(container, dict) or not str(container.get(key, "") or "").strip():
            problems.append(Problem(line_of(container), f"{where}.{key}", "thiếu hoặc trống",
                                    "missing or empty"))
            return ""
        return container[key]

    domains = data.get("domains") if isinstance(data, dict) else None
    forms = data.get("forms") if isinstance(data, dict) else None
    if not isinstance(domains, list) or not isinstance(forms, list):
        raise InputError([Problem(None, "domains, forms", "cần hai danh sách domains và forms",
                                  "needs the two lists domains and forms")])
    codes = {str(need(d, "code", f"domains[{n}]")) for n, d in enumerate(domains)}
    for n, d in enumerate(domains):
        need(d, "name", f"domains[{n}]")
    built = []
    for n, form in enumerate(forms):
        where = f"forms[{n}]"
        fields, keys = [], set()
        for m, item in enumerate(form.get("fields") or [] if isinstance(form, dict) else []):
            place = f"{where}.fields[{m}]"
            key, label, source, domain = (str(need(item, k, place))
                                          for k in ("key", "label", "source", "domain"))
            if key and key in keys:
                problems.append(Problem(line_of(item), f"{place}.key", f"«{key}» đã có trong mẫu",
                                        f"'{key}' appears twice in the form"))
            if source and source_of(source) is None:
                problems.append(Problem(line_of(item), f"{place}.source",
                                        f"nguồn «{source}» không có", f"no source '{source}'"))
            if domain and domain != "task" and domain not in codes:
                problems.append(Problem(line_of(item), f"{place}.domain",
                                        f"miền dữ liệu «{domain}» không có", f"no domain '{domain}'"))
            keys.add(key)
            fields.append(Field(key, label, source, domain))
        if not fields:
            problems.append(Problem(line_of(form), f"{where}.fields", "mẫu không có trường nào",
                                    "the form has no field"))
        built.append(Form(str(need(form, "code", where)), str(need(form, "title", where)),
                          str(form.get("title_en", "")) if isinstance(form, dict) else "",
                          str(need(form, "basis", where)), tuple(fields)))
    if problems:
        raise InputError(problems)
    return Layout(tuple({"code": d["code"], "name": d["name"], "name_en": d.get("name_en", "")}
                        for d in domains), tuple(built))


@cache
def shipped_layout() -> Layout:
    return read_layout(LAYOUT.read_bytes(), str(LAYOUT.name))


# --- The document ------------------------------------------------------------------------------

def task_domain(task: Task) -> str:
    return "innovation" if task.kind == TaskKind.INNOVATION else "sti_activities"


def national_exchange(task: Task, layout: Layout | None = None) -> dict:
    """The exchange document of `task` (format FORMAT, described by SCHEMA)."""
    layout = layout or shipped_layout()
    facts = Facts.of(task)
    values: dict[str, object] = {}
    grouped: dict[str, dict[str, list]] = {d["code"]: {} for d in layout.domains}
    for form in layout.forms:
        for item in form.fields:
            source = source_of(item.source)
            if item.source not in values:
                values[item.source] = source.read(facts)
            domain = task_domain(facts.task) if item.domain == "task" else item.domain
            grouped[domain].setdefault(form.code, []).append(
                {"key": item.key, "label": item.label, "value": values[item.source],
                 "public": source.public})
    forms = {f.code: f for f in layout.forms}
    return {
        "format": FORMAT,
        "generated_on": timezone.localdate().isoformat(),
        "encoding": "UTF-8 (Unicode, TCVN 6909:2001)",
        "task": {"code": facts.task.code, "title": facts.task.title, "synthetic": facts.task.synthetic},
        "domains": [{"code": d["code"], "name": d["name"], "name_en": d["name_en"],
                     "forms": [{"form": code, "title": forms[code].title,
                                "title_en": forms[code].title_en, "basis": forms[code].basis,
                                "fields": rows} for code, rows in grouped[d["code"]].items()]}
                    for d in layout.domains if grouped[d["code"]]],
        "skipped_attachments": facts.files()[1],
    }
