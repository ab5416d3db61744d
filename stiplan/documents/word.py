"""The DOCX of a document: its content poured into a docxtpl template, then the charts placed.

The template sees plain data only: a JSON copy of the content, and for each chart a marker string.
After rendering, each marker in the body is replaced by its picture; no live object ever enters
the template's context.
"""

from __future__ import annotations

import copy
import io
import json
import re
import secrets

import jinja2
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from stiplan.documents.charts import charts_of
from stiplan.documents.layouts import TemplateProblem, explain, open_template
from stiplan.documents.sandbox import SecurityError, environment

MARKER = re.compile(r"(\[\[chart:\w+:[0-9a-f]{16}\]\])")
#: A document shows each of its charts a few times at most; more is a template gone wrong.
MAX_PICTURES = 20


def render_context(content: dict, charts: dict[str, bytes]) -> tuple[dict, dict[str, bytes]]:
    """What the template sees (a JSON copy of the content, each chart as a marker string made
    unguessable by a nonce of this rendering) and the picture behind each marker."""
    context = json.loads(json.dumps(content))
    nonce = secrets.token_hex(8)
    pictures = {}
    for name, png in charts.items():
        marker = f"[[chart:{name}:{nonce}]]"
        context[name] = marker
        pictures[marker] = png
    return context, pictures


def render_docx(content: dict, template: bytes, charts: dict[str, bytes] | None = None) -> bytes:
    tpl = open_template(template)
    context, pictures = render_context(content, charts or charts_of(content))
    try:
        tpl.render(context, jinja_env=environment(), autoescape=True)
    except (jinja2.TemplateError, SecurityError, TypeError, ValueError, AttributeError) as exc:
        raise explain(tpl, exc) from None
    place_pictures(tpl.docx, pictures)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def place_pictures(document: WordDocument, pictures: dict[str, bytes]) -> int:
    """Replace each chart marker in the body (tables included) by its picture, 14 cm wide, in a run
    with the marker's formatting; a marker of another rendering stays text. Returns how many."""
    placed = 0
    for element in list(document.element.body.iter(qn("w:p"))):
        paragraph = Paragraph(element, document._body)
        for run in list(paragraph.runs):
            if not any(marker in run.text for marker in pictures):
                continue
            for piece in MARKER.split(run.text):
                if not piece:
                    continue
                added = _run_before(run, paragraph)
                if piece in pictures:
                    placed += 1
                    if placed > MAX_PICTURES:
                        raise TemplateProblem(
                            f"Mẫu văn bản chèn biểu đồ quá {MAX_PICTURES} lần.",
                            f"the template places charts more than {MAX_PICTURES} times")
                    added.add_picture(io.BytesIO(pictures[piece]), width=Cm(14))
                else:
                    added.text = piece
            run._r.getparent().remove(run._r)
    return placed


def _run_before(run: Run, paragraph: Paragraph) -> Run:
    """An empty run with `run`'s formatting, just before it."""
    element = copy.deepcopy(run._r)
    for child in list(element):
        if child.tag != qn("w:rPr"):
            element.remove(child)
    run._r.addprevious(element)
    return Run(element, paragraph)
