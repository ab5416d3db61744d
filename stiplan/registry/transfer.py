"""Bulk import and export of the registry: a table (stiplan.registry.tables) checked row by row
(stiplan.registry.columns), its references resolved against the database (codes of
organisations, fields, programmes and tasks; ids or names of people; ids of IP assets) and every
rule of the entity checked, across rows too (a code twice in one file). The outcome, `Prepared`,
lists what would be created and updated, or every problem by row and column: the action
`import_registry` writes it all in one transaction, or nothing. An export writes the same
layout, so a file exported, edited and imported again updates what it names."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.utils import translation

from stiplan.core.jobs import JobExpired, JobStopped, drop_busy_connections
from stiplan.core.permissions import can, require
from stiplan.core.yamlio import InputError
from stiplan.registry import columns as cols
from stiplan.registry.actions import (
    ImportSummary,
    _output_problems,
    fail_import_job,
    finish_import_job,
    import_registry,
    note_import_progress,
)
from stiplan.registry.lifecycle import INITIAL_STATE, lifecycle_of
from stiplan.registry.models import (
    BudgetLine,
    ImportJob,
    ImportState,
    IPAsset,
    MemberRole,
    Organisation,
    Output,
    OutputKind,
    Person,
    Programme,
    ScienceField,
    Task,
    TaskKind,
    TaskMember,
    regime_for,
)
from stiplan.registry.tables import Table, letter, read_table, write_table
from stiplan.reporting.excel import CellProblem

MODELS = {"tasks": Task, "organisations": Organisation, "people": Person, "ip-assets": IPAsset,
          "outputs": Output}
#: Reference columns: the model attribute they fill.
REF_ATTRS = {"field": "field_id", "host": "host_id", "programme": "programme_id", "owner": "owner_id",
             "task": "task_id", "ip_asset": "ip_asset_id", "person": "person_id"}
EXTRAS = ("budget_total", "principal_investigator")
#: Rows checked between two progress reports (the bar of the command and of the page).
PROGRESS_EVERY = 500
log = logging.getLogger(__name__)
_PERSON = re.compile(r"^(?:(?P<name>.*?)\s*\[)?#?(?P<id>\d{1,10})\]?$")


@dataclass
class Item:
    """One row to write: the model attributes it sets, the task extras (budget total, principal
    investigator) and the existing row it updates (None: a new row)."""

    row: int
    attrs: dict
    extras: dict = field(default_factory=dict)
    existing: object = None


@dataclass
class Prepared:
    entity: cols.Entity
    sheet: str
    rows: int = 0
    new: list[Item] = field(default_factory=list)
    changed: list[Item] = field(default_factory=list)
    unchanged: int = 0
    problems: list[CellProblem] = field(default_factory=list)


class _Lazy(dict):
    """Rows of `model` by pk, read when first asked for."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def __missing__(self, pk):
        self[pk] = self.model.objects.get(pk=pk)
        return self[pk]


class _Refs:
    """Codes, ids and names of what the rows may name, read once per import."""

    def __init__(self, entity: cols.Entity):
        names = {c.name for c in entity.columns}
        self.orgs = dict(Organisation.objects.values_list("code", "pk")) if names & {"host", "owner"} else {}
        self.fields = dict(ScienceField.objects.values_list("code", "pk")) if "field" in names else {}
        self.programmes = dict(Programme.objects.values_list("code", "pk")) if "programme" in names else {}
        self.people: dict[int, str] = {}
        self.by_name: dict[str, list[int]] = {}
        self.tasks = dict(Task.objects.values_list("code", "pk")) if "task" in names else {}
        self.task_rows = _Lazy(Task)
        self.ip_assets = ({str(pk): pk for pk in IPAsset.objects.values_list("pk", flat=True)}
                          if "ip_asset" in names else {})
        self.trained: dict[tuple, int] = {}
        if names & {"principal_investigator", "person"}:
            for pk, name in Person.objects.values_list("pk", "full_name"):
                self.people[pk] = name
                self.by_name.setdefault(name.casefold().strip(), []).append(pk)

    def person(self, text: str) -> int:
        found = _PERSON.match(text)
        if found:
            pk = int(found["id"])
            if pk not in self.people:
                raise cols.Bad(f"không có nhà khoa học số hiệu {pk}", f"no person with id {pk}")
            return pk
        pks = self.by_name.get(text.casefold(), [])
        if len(pks) > 1:
            ids = ", ".join(f"#{pk}" for pk in pks[:5])
            raise cols.Bad(f"nhiều người tên «{text[:60]}» ({ids}): ghi số hiệu",
                           f"several people are named '{text[:60]}' ({ids}): give the id")
        if not pks:
            raise cols.Bad(f"không có nhà khoa học «{text[:60]}»", f"no person named '{text[:60]}'")
        return pks[0]


def _code(table: dict, text: str, what_vi: str, what_en: str):
    if text not in table:
        raise cols.Bad(f"không có {what_vi} mã «{text[:60]}»", f"no {what_en} with code '{text[:60]}'")
    return table[text]


def person_label(pk: int | None, name: str) -> str:
    """How an export names a person: «Full Name [#id]» (the import reads the id first)."""
    return f"{name} [#{pk}]" if pk else ""


def prepare(entity: cols.Entity, table: Table, *, by,
            progress: Callable[[str, int, int], None] | None = None) -> Prepared:
    """Check every row of `table` as `entity`; the outcome names each problem's row and column."""
    out = Prepared(entity, table.sheet, rows=len(table.rows))
    positions, head = cols.header_map(entity, table.header)
    private = [c.name for c in entity.columns if c.private and c.name in positions]
    if private and not can(by, "registry.change_person"):
        head += [cols.RowProblem(0, name, "dữ liệu cá nhân: chỉ cán bộ của Sở được nhập",
                                 "personal data: only the Department's staff may import it")
                 for name in private]
    letters = {name: letter(i) for name, i in positions.items()}

    def problem(p: cols.RowProblem) -> CellProblem:
        where = f"{letters.get(p.column, '?')} ({p.column})" if p.column in letters else p.column
        return CellProblem(table.sheet, p.row or 1, where, p.vi, p.en)

    out.problems += [problem(p) for p in head]
    if head or not table.rows:
        if not table.rows:
            out.problems.append(CellProblem(table.sheet, None, None, "tệp không có dòng dữ liệu nào",
                                            "the file has no data rows"))
        return out
    refs = _Refs(entity)
    check = CHECKS[entity.name]
    existing = _existing(entity, table, positions)
    seen: dict = {}
    for n, (number, cells) in enumerate(table.rows, 1):
        if progress and n % PROGRESS_EVERY == 0:
            progress("check", n, len(table.rows))
        values, problems = cols.parse_row(entity, positions, number, cells)
        if values is None:
            out.problems += [problem(p) for p in problems]
            continue
        key = values.get(entity.key)
        if key not in (None, ""):
            if key in seen:
                out.problems.append(problem(cols.RowProblem(
                    number, entity.key, f"lặp lại (xem dòng {seen[key]})",
                    f"repeated (see row {seen[key]})")))
                continue
            seen[key] = number
        item = Item(number, {}, existing=existing.get(key))
        if entity.key == "id" and key is not None and item.existing is None:
            out.problems.append(problem(cols.RowProblem(number, "id", f"không có số hiệu {key}",
                                                        f"no row with id {key}")))
            continue
        found = check(values, item, refs)
        if found:
            out.problems += [problem(cols.RowProblem(number, c, vi, en)) for c, vi, en in found]
            continue
        _sort(out, item)
    if progress:
        progress("check", len(table.rows), len(table.rows))
    return out


def _existing(entity: cols.Entity, table: Table, positions: dict[str, int]) -> dict:
    """The stored rows the file's keys name, by key."""
    index = positions.get(entity.key)
    if index is None:
        return {}
    keys = {cells[index].strip() for _n, cells in table.rows if index < len(cells)} - {""}
    if entity.key == "id":
        keys = {int(k) for k in keys if k.isdigit() and len(k) < 10}
    model = MODELS[entity.name]
    found = model.objects.in_bulk(list(keys), field_name="pk" if entity.key == "id" else "code")
    if entity.name == "tasks" and found:
        _task_extras(found.values())
    return found


def _task_extras(tasks) -> None:
    """Each task's `current` budget total, number of budget lines, lump sum and principal
    investigator (what the import compares its extras to)."""
    budgets = {row["task_id"]: row for row in BudgetLine.objects.values("task_id").annotate(
        total=Sum("amount"), lump=Sum("lump_sum"), lines=Count("pk"))}
    principals = dict(TaskMember.objects.filter(role=MemberRole.PRINCIPAL).order_by(
        "task_id", "valid_from", "pk").values_list("task_id", "person_id"))
    for task in tasks:
        budget = budgets.get(task.pk, {})
        task.current = {"budget_total": budget.get("total"), "budget_lines": budget.get("lines", 0),
                        "lump_sum": budget.get("lump") or 0,
                        "principal_investigator": principals.get(task.pk)}


def _sort(out: Prepared, item: Item) -> None:
    if item.existing is None:
        out.new.append(item)
        return
    before = {a: getattr(item.existing, a) for a in item.attrs}
    item.attrs = {a: v for a, v in item.attrs.items() if before[a] != v}
    current = item.existing.current if item.extras else {}
    item.extras = {k: v for k, v in item.extras.items() if v is not None and v != current.get(k)}
    if item.attrs or item.extras:
        out.changed.append(item)
    else:
        out.unchanged += 1


def _attrs(values: dict, item: Item, refs: _Refs, tables: dict) -> list[tuple]:
    """Fill item.attrs from `values`, resolving references; the problems found."""
    problems = []
    for name, value in values.items():
        if name in EXTRAS or name == "id":
            continue
        if name in REF_ATTRS:
            try:
                value = None if value in ("", None) else tables[name](value)
            except cols.Bad as bad:
                problems.append((name, bad.vi, bad.en))
                continue
            name = REF_ATTRS[name]
        item.attrs[name] = value
    return problems


def _check_task(values: dict, item: Item, refs: _Refs) -> list[tuple]:
    problems = _attrs(values, item, refs, {
        "field": lambda t: _code(refs.fields, t, "lĩnh vực", "field"),
        "host": lambda t: _code(refs.orgs, t, "tổ chức", "organisation"),
        "programme": lambda t: _code(refs.programmes, t, "chương trình", "programme")})
    old, a = item.existing, item.attrs
    start, end = a["start_date"], a.get("end_date", old.end_date if old else None)
    if end is not None and end < start:
        problems.append(("end_date", "ngày kết thúc trước ngày bắt đầu",
                         "the end date is before the start date"))
    regime = a.get("regime") or (old.regime if old else regime_for(start))
    a["regime"] = regime
    reason = a.get("regime_reason", old.regime_reason if old else "")
    if regime != regime_for(start) and not reason:
        problems.append(("regime", "chế độ khác chế độ suy ra từ ngày bắt đầu: cần ghi lý do (regime_reason)",
                         "a regime other than the start date's needs a reason (regime_reason)"))
    a["regime_reason"] = reason if regime != regime_for(start) else ""
    subkind = a.get("innovation_subkind", old.innovation_subkind if old else "")
    if (a["kind"] == TaskKind.INNOVATION) != bool(subkind):
        problems.append(("innovation_subkind", "chỉ nhiệm vụ đổi mới sáng tạo, và nó luôn, ghi loại ĐMST",
                         "an innovation task, and only it, names its innovation kind"))
    a["innovation_subkind"] = subkind
    states = _states(regime)
    state = a.pop("state", "") or (old.state if old else INITIAL_STATE)
    if old is not None and state != old.state:
        problems.append(("state", "trạng thái chỉ đổi qua các bước của quy trình",
                         "a state changes only through the lifecycle's steps"))
    elif state not in states:
        problems.append(("state", f"«{state}» không phải trạng thái của chế độ này",
                         f"'{state}' is not a state of this regime"))
    if old is None:
        a["state"] = state
    if "budget_total" in values:
        item.extras["budget_total"] = values["budget_total"]
        problems += _budget_problem(old, values["budget_total"])
    if values.get("principal_investigator"):
        try:
            item.extras["principal_investigator"] = refs.person(values["principal_investigator"])
        except cols.Bad as bad:
            problems.append(("principal_investigator", bad.vi, bad.en))
    return problems


@cache
def _states(regime: str) -> frozenset[str]:
    return lifecycle_of(regime).states


def _budget_problem(task: Task | None, total) -> list[tuple]:
    if task is None or total is None or total == task.current["budget_total"]:
        return []
    if task.current["budget_lines"] > 1:
        return [("budget_total", "nhiệm vụ có kinh phí chi tiết theo nguồn, năm: sửa trên trang nhiệm vụ",
                 "the task's budget has lines by source and year: change them on its page")]
    if total < task.current["lump_sum"]:
        return [("budget_total", "nhỏ hơn phần khoán chi đã ghi", "less than its recorded lump sum")]
    return []


def _check_plain(values: dict, item: Item, refs: _Refs) -> list[tuple]:
    return _attrs(values, item, refs, {})


def _check_ip(values: dict, item: Item, refs: _Refs) -> list[tuple]:
    return _attrs(values, item, refs, {"owner": lambda t: _code(refs.orgs, t, "tổ chức", "organisation")})


def _check_output(values: dict, item: Item, refs: _Refs) -> list[tuple]:
    problems = _attrs(values, item, refs, {
        "task": lambda t: _code(refs.tasks, t, "nhiệm vụ", "task"),
        "ip_asset": lambda t: _code(refs.ip_assets, t, "tài sản trí tuệ", "IP asset"),
        "person": refs.person})
    if problems:
        return problems
    a, old = item.attrs, item.existing
    if old is not None and old.certificate_number:
        return [("id", "kết quả đã đăng ký (có giấy chứng nhận): không sửa được",
                 "a registered output (with its certificate) cannot be changed")]
    task = refs.task_rows[a["task_id"]]
    person = Person(pk=a["person_id"], full_name=refs.people[a["person_id"]]) if a.get("person_id") else None
    ip_asset = IPAsset(pk=a["ip_asset_id"]) if a.get("ip_asset_id") else None
    found = {}
    for language in ("vi", "en"):
        with translation.override(language):
            found[language] = _output_problems(task, a["kind"], a["title"], a.get("year"), person, ip_asset)
    same_person = (old is not None and person is not None and old.person_id == person.pk
                   and old.kind == a["kind"])
    if same_person:
        found = {lang: {k: m for k, m in msgs.items() if k != "person"} for lang, msgs in found.items()}
    if a["kind"] in (OutputKind.TRAINED_PHD, OutputKind.TRAINED_MSC) and person is not None:
        key = (a["task_id"], a["kind"], person.pk)
        if key in refs.trained:
            first = refs.trained[key]
            return [("person", f"đã ghi ở dòng {first}", f"already given on row {first}")]
        refs.trained[key] = item.row
    return [(REF_ATTRS_BACK.get(k, k), found["vi"][k], found["en"][k]) for k in found["vi"]]


REF_ATTRS_BACK = {v.removesuffix("_id"): k for k, v in REF_ATTRS.items()}
CHECKS = {"tasks": _check_task, "organisations": _check_plain, "people": _check_plain,
          "ip-assets": _check_ip, "outputs": _check_output}


# --- Running an import, writing an export ---------------------------------------------------------

def run_import(raw: bytes, name: str, entity: str, *, by, dry_run: bool = False, where: str = "cli",
               progress: Callable[[str, int, int], None] | None = None,
               synthetic: bool = False) -> ImportSummary:
    """Read, check and (unless `dry_run`) write one bulk file; InputError naming every problem
    (row and column, Vietnamese and English) when anything is wrong, and then nothing is written.
    `synthetic` flags the new rows as made up (the demo's files)."""
    require(by, "registry.manage_resources")
    spec = cols.ENTITIES[entity]
    if progress:
        progress("read", 0, 1)
    table = read_table(raw, name, where=where)
    prepared = prepare(spec, table, by=by, progress=progress)
    if prepared.problems:
        raise InputError(prepared.problems)
    return import_registry(prepared, by=by, sha256=hashlib.sha256(raw).hexdigest(), filename=name,
                           dry_run=dry_run, progress=progress, synthetic=synthetic)


def import_job(job_id: int) -> ImportJob:
    """The job of a large upload (`request_import`): read and check the kept file, committing the
    rows checked for the page, then write it all (or, for a dry run, nothing) in one transaction;
    refused with every problem by row and column, or the reason, and then nothing is written."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != ImportState.QUEUED:
        return job
    if job.created_by is None:
        return fail_import_job(job, error="người gửi tệp không còn tài khoản / the sender's account is gone")

    def progress(step: str, done: int, total: int) -> None:
        note_import_progress(job, step, done, total)

    try:
        progress("read", 0, 1)
        with job.file.open("rb") as fh:
            raw = fh.read()
        table = read_table(raw, job.filename, where="web")
        prepared = prepare(cols.ENTITIES[job.entity], table, by=job.created_by, progress=progress)
        if prepared.problems:
            return fail_import_job(job, prepared.problems)
        progress("write", prepared.rows, prepared.rows)
        return finish_import_job(job, prepared)
    except JobExpired:  # failed as stale meanwhile: it stays so, nothing was written
        job.refresh_from_db()
        return job
    except InputError as exc:
        return fail_import_job(job, exc.problems)
    except JobStopped as exc:
        drop_busy_connections()
        return fail_import_job(job, error=str(exc))
    except PermissionDenied as exc:
        return fail_import_job(job, error=str(exc))
    except Exception as exc:  # noqa: BLE001 — a job must end with a state, never hang "running"
        log.exception("registry import %s failed", job.pk)
        return fail_import_job(job, error=f"lỗi khi nhập tệp / the file could not be imported: "
                                          f"{exc.__class__.__name__}")


def export_rows(entity: str, *, by, public: bool = False) -> tuple[list[str], list[list]]:
    """The header and rows of an export of `entity` as `by` may see it; a public export (or one
    for someone who may not change people) leaves the private columns out, and a public export
    holds only what a visitor sees."""
    spec = cols.ENTITIES[entity]
    viewer = AnonymousUser() if public else by
    private = not public and can(by, "registry.change_person")
    columns = [c for c in spec.columns if private or not c.private]
    rows = MODELS[entity].objects.restrict(viewer).order_by("pk")
    orgs = dict(Organisation.objects.values_list("pk", "code"))
    codes = {"host_id": orgs, "owner_id": orgs,
             "field_id": dict(ScienceField.objects.values_list("pk", "code")),
             "programme_id": dict(Programme.objects.values_list("pk", "code"))}
    if entity in ("tasks", "outputs"):
        names = dict(Person.objects.values_list("pk", "full_name"))
    if entity == "tasks":
        rows = list(rows)
        _task_extras(rows)
    if entity == "outputs":
        codes["task_id"] = dict(Task.objects.values_list("pk", "code"))
        codes["ip_asset_id"] = {}
    out = []
    for obj in rows:
        line = []
        for column in columns:
            attr = REF_ATTRS.get(column.name, column.name)
            if column.name == "budget_total":
                line.append(obj.current["budget_total"])
            elif column.name == "principal_investigator":
                pk = obj.current["principal_investigator"]
                line.append(person_label(pk, names.get(pk, "")))
            elif column.name == "person":
                line.append(person_label(obj.person_id, names.get(obj.person_id, "")))
            elif attr in codes and codes[attr]:
                line.append(codes[attr].get(getattr(obj, attr), ""))
            else:
                line.append(getattr(obj, attr))
        out.append(line)
    return [c.name for c in columns], out


def export_file(entity: str, fmt: str, *, by, public: bool = False) -> bytes:
    header, rows = export_rows(entity, by=by, public=public)
    return write_table(header, rows, fmt, sheet=entity)
