"""Writes only in actions: the code is parsed (ast) and every call of a model-writing method
outside an `actions.py` module (or an `actions/` package), the migrations and the audit writer
fails the test, naming file, line and call."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "stiplan"

#: The ORM's writing methods (Model, QuerySet and managers, related managers included; `_insert`
#: is the raw INSERT a restore writes archived rows with).
WRITE_METHODS = {"save", "create", "update", "delete", "bulk_create", "bulk_update",
                 "get_or_create", "update_or_create", "_insert"}
#: Writers that are plain functions: stiplan.core.bulk.update_rows (one prepared UPDATE).
WRITE_FUNCTIONS = {"update_rows", "insert_rows"}
#: `save`, `create`, `update` and `delete` of the ORM take keyword arguments only (Django 5.1
#: deprecated positional ones to Model.save). Called with a positional argument they belong to
#: another API: dict.update(mapping), set.update(items), hashlib's update(bytes),
#: Workbook.save(path), Storage.delete(name), cache.delete(key). bulk_*, get_or_create and
#: update_or_create are the ORM's whatever their arguments.
KEYWORD_ONLY = {"save", "create", "update", "delete"}
#: Receivers that are dicts, whose `update(key=value)` looks like QuerySet.update. Keep it small:
#: each entry is one idiom, written as ast.unparse spells the receiver.
DICT_RECEIVERS = {
    "ctx",  # the template context in get_context_data
    "self.initial",  # a form's initial values
    "parameter['schema']",  # an OpenAPI parameter's schema (core/api.py)
}
#: The one documented exception: the audit writer saves the AuditEntry that every action records.
AUDIT_WRITER = "stiplan/core/audit.py"


def _is_actions_module(path: str) -> bool:
    parts = path.split("/")
    return parts[-1] == "actions.py" or "actions" in parts[:-1]


def exempt(path: str) -> bool:
    """Files allowed to write: actions modules, migrations and the audit writer. The demo builders
    are not exempt: they build the demo through the apps' actions."""
    parts = path.split("/")
    return _is_actions_module(path) or "migrations" in parts or path == AUDIT_WRITER


class _WriteFinder(ast.NodeVisitor):
    def __init__(self):
        self.found: list[tuple[int, str]] = []
        self.functions: list[str] = []

    def visit_FunctionDef(self, node):
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in WRITE_FUNCTIONS:
            self.found.append((node.lineno, f"{func.id}(…)"))
        elif isinstance(func, ast.Attribute) and func.attr in WRITE_METHODS and self._writes(node):
            self.found.append((node.lineno, f"{ast.unparse(func)}(…)"))
        self.generic_visit(node)

    def _writes(self, node: ast.Call) -> bool:
        method, receiver = node.func.attr, node.func.value
        keywords = {k.arg: k.value for k in node.keywords}
        if method == "save" and _is_false(keywords.get("commit")):
            return False  # a form building an unsaved object
        if (isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name)
                and receiver.func.id == "super" and self.functions
                and self.functions[-1] == method):
            return False  # an override handing over to Django; its caller is the writer
        if method in KEYWORD_ONLY and node.args:
            # FieldFile.save(name, content) also saves the model, unless save=False.
            return method == "save" and len(node.args) >= 2 and not _is_false(keywords.get("save"))
        if method == "update" and ast.unparse(receiver) in DICT_RECEIVERS:
            return False
        return True


def _is_false(node) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def writes_in(source: str, path: str) -> list[str]:
    """`path:line call` for every model write in `source`, unless `path` may write."""
    if exempt(path):
        return []
    finder = _WriteFinder()
    finder.visit(ast.parse(source, filename=path))
    return [f"{path}:{line} {call}" for line, call in finder.found]


def test_no_model_write_outside_actions():
    found = []
    for file in sorted(PACKAGE.rglob("*.py")):
        path = file.relative_to(ROOT).as_posix()
        found += writes_in(file.read_text(encoding="utf-8"), path)
    assert not found, "model writes outside actions modules:\n" + "\n".join(found)


# --- The scanner itself can fail -------------------------------------------------------------

WRITER = """
def close(round_):
    round_.status = "closed"
    round_.save(update_fields=["status"])
    Round.objects.filter(pk=round_.pk).update(status="closed")
    Reminder.objects.create(report=r, kind="after-1")
    Round.objects.filter(year=2020).delete()
    Unit.objects.get_or_create(code="X")
    IndicatorItem.objects.bulk_update(items, ["value"])
    update_rows(items, ["value"])
    attachment.file.save("name", content)
    Round._base_manager._insert(rows, fields=fields, raw=True)
"""


def test_writes_outside_an_actions_module_are_named_with_their_line():
    found = writes_in(WRITER, "stiplan/reporting/views.py")
    assert found == [
        "stiplan/reporting/views.py:4 round_.save(…)",
        "stiplan/reporting/views.py:5 Round.objects.filter(pk=round_.pk).update(…)",
        "stiplan/reporting/views.py:6 Reminder.objects.create(…)",
        "stiplan/reporting/views.py:7 Round.objects.filter(year=2020).delete(…)",
        "stiplan/reporting/views.py:8 Unit.objects.get_or_create(…)",
        "stiplan/reporting/views.py:9 IndicatorItem.objects.bulk_update(…)",
        "stiplan/reporting/views.py:10 update_rows(…)",
        "stiplan/reporting/views.py:11 attachment.file.save(…)",
        "stiplan/reporting/views.py:12 Round._base_manager._insert(…)",
    ]


def test_the_demo_command_is_no_demo_builder():
    assert writes_in(WRITER, "stiplan/core/management/commands/demo.py")


@pytest.mark.parametrize("path", ["stiplan/reporting/actions.py",
                                  "stiplan/index/actions/values.py",
                                  "stiplan/orgs/migrations/0002_data.py",
                                  "stiplan/core/audit.py"])
def test_actions_migrations_and_the_audit_writer_may_write(path):
    assert writes_in(WRITER, path) == []


def test_dicts_sets_hashes_workbooks_and_forms_are_not_model_writes():
    source = """
class ValueForm(forms.ModelForm):
    def save(self, commit=True):
        value = super().save(commit=False)
        return value

def page(self, digest, wb, storage, seen, ctx):
    ctx.update(plan=plan, rows=rows)
    self.initial.update(year=2026)
    seen.update(codes)
    digest.update(chunk)
    wb.save(buffer)
    storage.delete(name)
    attachment.file.save(name, content, save=False)
"""
    assert writes_in(source, "stiplan/reporting/views.py") == []


def test_a_dict_outside_the_short_list_is_flagged_when_updated_with_keywords():
    """The allow-list is by receiver: an unknown one reads as a query set, so it is flagged
    (rename it to a listed idiom, or pass a mapping: options.update({"a": 1}))."""
    assert writes_in("options.update(a=1)\n", "stiplan/core/views.py") == [
        "stiplan/core/views.py:1 options.update(…)"]
