"""Which Word template a document uses, and checking a template staff uploaded.

A template is refused when Jinja cannot parse it, when it names data a document does not have, or
when it reaches for anything but the document's plain data (an attribute that is not a content
field, a filter the sandbox lacks, `self`, another template); the message names the tag, in
Vietnamese and English.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from jinja2 import meta, nodes

from stiplan.documents.docx_build import SHIPPED, TEMPLATES
from stiplan.documents.models import DocumentTemplate
from stiplan.documents.problems import DocumentProblem
from stiplan.documents.sandbox import LOOP_FIELDS, SAFE_METHODS, SecurityError, environment

COMMON = {"schema", "kind", "layout", "issuer", "number_line", "date", "date_line", "doc_type", "plan",
          "round", "recipients", "signature", "summary", "board", "annex_units", "groups",
          "difficulties", "proposals", "intro", "directions", "inputs", "chart_units"}
#: The names a template may use, per kind of document (content keys and charts).
KNOWN_NAMES = {
    "annual": COMMON | {"targets", "status_counts", "series", "annex_values", "general",
                        "chart_targets"},
    "ad_hoc": COMMON | {"questions", "values"},
}
#: The fields of the content's nested records (`row.code`, `board.expected` …): a template may read
#: these, the `loop` fields and the few safe methods of strings and dicts, and no other attribute.
FIELDS = frozenset({
    "accepted", "actions", "all_units", "annex_units", "annex_values", "answers", "assembled_at",
    "authority", "board", "code", "completeness", "computed", "count", "date", "date_line",
    "deadline", "difficulties", "directions", "doc_type", "entries", "expected", "explanation",
    "final", "formula", "general", "groups", "id", "indicator", "inherited_from", "inputs", "intro",
    "issued", "issuer", "kind", "label", "late", "latest", "latest_year", "layout", "measure",
    "method", "missing", "name", "number", "number_line", "on_time", "parent", "parent_code",
    "plan", "points", "proposals", "question", "questions", "recipients", "report", "reports",
    "restated", "revision", "role", "round", "schema", "series", "shown", "signature", "source",
    "state", "status", "status_counts", "status_label", "submitted", "summary", "synthetic",
    "targets", "text", "timeliness", "title", "unit", "unit_code", "units", "value", "values",
    "version", "wording", "year"})
READABLE = FIELDS | LOOP_FIELDS | frozenset().union(*SAFE_METHODS.values())
#: The document properties docxtpl renders as templates too.
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_TAG = re.compile(r"\{[{%#].*?[}%#]\}", re.S)


class TemplateProblem(DocumentProblem):
    """A template that cannot be used, with the tag at fault."""

    def __init__(self, vi: str, en: str):
        self.vi, self.en = vi, en
        super().__init__(f"{vi} / {en}")


def layouts_of(kind: str) -> list[tuple[str, str]]:
    return [(layout, label) for (k, layout), (_b, _f, label) in TEMPLATES.items() if k == kind]


def active_template(kind: str, layout: str) -> DocumentTemplate | None:
    """The uploaded template in use for this kind and layout, if staff uploaded one."""
    return DocumentTemplate.objects.filter(kind=kind, layout=layout, active=True).first()


def shipped_template(kind: str, layout: str) -> bytes:
    if (kind, layout) not in TEMPLATES:
        raise TemplateProblem(f"Không có mẫu «{layout}» cho loại văn bản này.",
                              f"there is no '{layout}' layout for this kind of document")
    return Path(SHIPPED / TEMPLATES[(kind, layout)][1]).read_bytes()


def template_for(kind: str, layout: str) -> bytes:
    """The template in use: the active uploaded one, else the shipped one."""
    uploaded = active_template(kind, layout)
    return shipped_template(kind, layout) if uploaded is None else uploaded.read()


MAX_UNZIPPED = 50 * 1024 * 1024


def open_template(raw: bytes) -> DocxTemplate:
    not_word = TemplateProblem("Tệp mẫu không phải là tài liệu Word (.docx) hợp lệ.",
                               "the template is not a valid Word document (.docx)")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            unzipped = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_word from None
    if unzipped > MAX_UNZIPPED:
        raise TemplateProblem("Tệp mẫu giải nén lớn hơn 50 MB.",
                              "the template is larger than 50 MB once unzipped")
    try:
        tpl = DocxTemplate(io.BytesIO(raw))
        tpl.init_docx()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, NotImplementedError):
        raise not_word from None
    return tpl


def _sources(tpl: DocxTemplate) -> list[str]:
    """Every text docxtpl renders as a template: the body, headers, footers and footnotes (patched
    as docxtpl patches them) and the document properties."""
    texts = [tpl.patch_xml(tpl.get_xml())]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        texts += [tpl.patch_xml(tpl.get_part_xml(part)) for _key, part in tpl.get_headers_footers(uri)]
    texts += [tpl.patch_xml(part.blob.decode()) for part in tpl.docx.part.package.parts
              if part.content_type == FOOTNOTES]
    texts += [getattr(tpl.docx.core_properties, name) or "" for name in PROPERTIES]
    return texts


def _located(text: str) -> list[str]:
    """A part's Jinja source with each tag starting a line, so an error's line is its tag."""
    return re.sub(r"(\{[{%#])", "\n\\1", text).split("\n")


def _tag_on(line: str) -> str:
    text = re.sub(r"<[^>]+>", "", line).strip()
    found = _TAG.match(text)
    return (found.group(0) if found else text[:60]).strip()


def _unclosed(lines: list[str]) -> str:
    """The innermost block tag ({% for %}, {% if %} …) that is never closed."""
    stack = []
    for line in lines:
        tag = _tag_on(line)
        word = re.match(r"\{%-?\s*(\w+)", tag)
        if word is None:
            continue
        if word.group(1) in BLOCKS:
            stack.append(tag)
        elif word.group(1).startswith("end") and stack:
            stack.pop()
    return stack[-1] if stack else ""


BLOCKS = {"for", "if", "macro", "call", "filter", "with", "block", "raw", "autoescape"}


def syntax_problem(tpl: DocxTemplate) -> TemplateProblem | None:
    """Parse every part of the template; on a syntax error, the message names the tag at fault."""
    for text in _sources(tpl):
        lines = _located(text)
        try:
            environment().compile("\n".join(lines))
        except jinja2.TemplateSyntaxError as exc:
            if "end of template" in exc.message:
                tag = _unclosed(lines)
            else:
                tag = _tag_on(lines[exc.lineno - 1]) if 0 < (exc.lineno or 0) <= len(lines) else ""
            return TemplateProblem(f"Mẫu văn bản lỗi cú pháp ở thẻ «{tag or '?'}»: {exc.message}",
                                   f"template syntax error at tag '{tag or '?'}': {exc.message}")
    return None


def explain(tpl: DocxTemplate, exc: Exception) -> TemplateProblem:
    """A Jinja error as a message naming the tag."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return syntax_problem(tpl) or TemplateProblem(
            f"Mẫu văn bản lỗi cú pháp: {exc.message}", f"template syntax error: {exc.message}")
    if isinstance(exc, SecurityError):
        return TemplateProblem(f"Mẫu văn bản làm thao tác không được phép: {exc}",
                               f"the template tried something not allowed: {exc}")
    if isinstance(exc, jinja2.UndefinedError):
        return TemplateProblem(f"Mẫu văn bản dùng tên không có trong dữ liệu: {exc.message}",
                               f"the template uses a name the document does not have: {exc.message}")
    return TemplateProblem(f"Mẫu văn bản lỗi khi điền dữ liệu: {exc}",
                           f"the template failed while filling in the data: {exc}")


def _forbidden(tree: nodes.Template, env: jinja2.Environment):
    """(node, what in Vietnamese, what in English) for each thing a template may not use: an
    attribute that is not document data, a filter or test the sandbox does not have, `self`, and
    loading other templates."""
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Test, nodes.Name,
                               nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            name = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            if isinstance(name, str) and name not in READABLE and not name.isdigit():
                yield node, f"thuộc tính «{name}»", f"attribute '{name}'"
        elif isinstance(node, nodes.Filter):
            if node.name not in env.filters:
                yield node, f"bộ lọc «{node.name}»", f"filter '{node.name}'"
        elif isinstance(node, nodes.Test):
            if node.name not in env.tests:
                yield node, f"phép thử «{node.name}»", f"test '{node.name}'"
        elif isinstance(node, nodes.Name):
            if node.name == "self":
                yield node, "«self»", "'self'"
        else:  # extends, include, import, from … import
            yield node, "lệnh nạp mẫu khác", "loading another template"


def check_template(raw: bytes, kind: str) -> None:
    """Refuse a template Jinja cannot parse, that reaches for anything but the document's plain
    data, or that names unknown data; name the tag."""
    tpl = open_template(raw)
    if (problem := syntax_problem(tpl)) is not None:
        raise problem
    env = environment()
    for text in _sources(tpl):
        lines = _located(text)
        private = [tag for line in lines if "__" in (tag := _tag_on(line))]
        if private:
            raise TemplateProblem(f"Mẫu văn bản dùng thuộc tính nội bộ ở thẻ «{private[0]}»",
                                  f"the template reaches a private attribute at tag '{private[0]}'")
        tree = env.parse("\n".join(lines))
        for node, vi, en in _forbidden(tree, env):
            tag = _tag_on(lines[node.lineno - 1]) if 0 < node.lineno <= len(lines) else "?"
            raise TemplateProblem(f"Mẫu văn bản dùng {vi} không được phép ở thẻ «{tag}»",
                                  f"the template uses {en}, which is not allowed, at tag '{tag}'")
        unknown = sorted(meta.find_undeclared_variables(tree) - KNOWN_NAMES[kind])
        if unknown:
            first = next(n for n in tree.find_all(nodes.Name) if n.name in unknown)
            tag = _tag_on(lines[first.lineno - 1]) if 0 < first.lineno <= len(lines) else "?"
            listed = ", ".join(f"{{{{ {n} }}}}" for n in unknown)
            raise TemplateProblem(
                f"Mẫu văn bản dùng tên không có trong dữ liệu: {listed} (ở thẻ «{tag}»)",
                f"the template uses names the document does not have: {listed} (at tag '{tag}')")
