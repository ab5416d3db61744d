"""What a Word template can reach is plain data: every object in the context the renderer really
hands to docxtpl (the demo 2025 yearly report, the demo ad hoc answer) is a dict, list, string,
number, boolean or None, and the sandbox adds no globals and no dangerous filter."""

from __future__ import annotations

import io
import re

import pytest
from docxtpl import DocxTemplate, InlineImage

from stiplan.documents.layouts import FIELDS
from stiplan.documents.sandbox import FILTERS, environment
from stiplan.documents.word import render_docx

from .conftest import shipped

pytestmark = pytest.mark.django_db
PLAIN = {dict, list, str, int, float, bool, type(None)}


def not_plain(value, path: str = "context") -> list[str]:
    """Where something other than plain data sits in `value` (exact types: no subclasses)."""
    if type(value) not in PLAIN:
        return [f"{path}: {type(value).__module__}.{type(value).__qualname__}"]
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if type(key) is not str:
                found.append(f"{path}: key {key!r}")
            found += not_plain(item, f"{path}[{key!r}]")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += not_plain(item, f"{path}[{i}]")
    return found


@pytest.fixture
def handed(monkeypatch):
    """The context each render hands to docxtpl, as docxtpl receives it."""
    seen = []
    original = DocxTemplate.render

    def spy(self, context, *args, **kwargs):
        seen.append(context)
        return original(self, context, *args, **kwargs)

    monkeypatch.setattr(DocxTemplate, "render", spy)
    return seen


@pytest.mark.parametrize("kind,layout", [("annual", "default"), ("annual", "ministry"),
                                         ("ad_hoc", "default")])
def test_every_object_a_template_can_reach_is_plain_data(kind, layout, contexts, handed):
    content, charts = contexts[kind]
    render_docx(content, shipped(kind, layout), charts)
    [context] = handed
    assert set(charts) <= set(context) and set(content) <= set(context)
    assert not_plain(context) == []


def test_the_walk_finds_a_live_object(annual_content):
    """The context as it was before: a chart as docxtpl's InlineImage, carrying the template."""
    tpl = DocxTemplate(io.BytesIO(shipped("annual", "default")))
    old = dict(annual_content, chart_units=InlineImage(tpl, io.BytesIO(b"")),
               board=dict(annual_content["board"], extra=[1, (2, 3)]))
    assert not_plain(old) == ["context['board']['extra'][1]: builtins.tuple",
                              "context['chart_units']: docxtpl.inline_image.InlineImage"]


def test_the_sandbox_has_no_globals_and_only_plain_filters():
    env = environment()
    assert env.globals == {}
    assert set(env.filters) == FILTERS
    assert not {"attr", "format", "safe", "xmlattr", "center", "indent"} & set(env.filters)


def test_the_fields_a_template_may_read_are_the_content_fields(contexts):
    """The upload check's list of readable fields is exactly the content's record fields: a field
    added to the content must be added there too (or templates using it are refused)."""
    keys = set()

    def collect(value):
        if isinstance(value, dict):
            keys.update(k for k in value if re.fullmatch(r"[a-z_]+", k))
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for content, _charts in contexts.values():
        collect(content)
    assert keys == FIELDS
